/**
 * Request schemas: a small JSON Schema (2020-12 subset) builder whose values are plain JSON Schema
 * objects, so the same declaration is emitted into the OpenAPI document and checked by `validate`
 * at the route, and whose TypeScript type is the validated value (`Infer<typeof schema>`).
 *
 * Supported keywords: type (one or a list, with "null"), enum, const, minimum, maximum,
 * minLength, maxLength, pattern, format (date-time, date), items, minItems, maxItems, properties,
 * required, additionalProperties (boolean or a schema), oneOf/anyOf (first branch that passes),
 * default, and `x-capped` (a number above `maximum` is taken as the maximum instead of refused). Query strings are coerced to the declared type (`"20"` → 20, `"true"` → true,
 * `"a,b"` → ["a", "b"] for arrays); bodies are not coerced. Every failure is a 400 naming the field
 * (`items[2].carrierId`) and the value.
 */
import { AppError } from '../../core/errors.ts';

/** A JSON Schema object; the phantom `~type` carries the TypeScript type of a valid value. */
export interface Schema<T = unknown> {
  readonly [keyword: string]: unknown;
  readonly '~type'?: T;
}

/** The validated value type of a schema. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Flat<T> = { [K in keyof T]: T[K] } & {};
type Props = Record<string, Schema>;
/** Keys that are required or have a default (always present after validation). */
type PresentKeys<P extends Props, R extends keyof P> = R | { [K in keyof P]: P[K] extends { default: unknown } ? K : never }[keyof P];
type ObjectOf<P extends Props, R extends keyof P> = Flat<
  { [K in PresentKeys<P, R>]: Infer<P[K]> } & { [K in Exclude<keyof P, PresentKeys<P, R>>]?: Infer<P[K]> }
>;

interface Common<T> {
  description?: string;
  default?: T;
  examples?: T[];
}

/** Marks the object schemas made by `s.object` (non-enumerable: not in the JSON). */
const BUILT = Symbol('schema built with s.object');

function built<T extends object>(schema: T): T {
  Object.defineProperty(schema, BUILT, { value: true, enumerable: false });
  return schema;
}

/** Whether `schema` was made by `s.object` (a route's body is validated only then; see route.ts). */
export function isBuilt(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<symbol, unknown>)[BUILT] === true;
}

/** Builders for the schemas routes declare (`s.object({ limit: s.integer({ minimum: 1 }) })`). */
export const s = {
  string<const O extends Common<string> & { minLength?: number; maxLength?: number; pattern?: string; format?: 'date-time' | 'date' | 'email' | 'uri' }>(o?: O): Schema<string> & O & { type: 'string' } {
    return { type: 'string', ...o } as Schema<string> & O & { type: 'string' };
  },
  integer<const O extends Common<number> & { minimum?: number; maximum?: number; 'x-capped'?: boolean }>(o?: O): Schema<number> & O & { type: 'integer' } {
    return { type: 'integer', ...o } as Schema<number> & O & { type: 'integer' };
  },
  number<const O extends Common<number> & { minimum?: number; maximum?: number }>(o?: O): Schema<number> & O & { type: 'number' } {
    return { type: 'number', ...o } as Schema<number> & O & { type: 'number' };
  },
  boolean<const O extends Common<boolean>>(o?: O): Schema<boolean> & O & { type: 'boolean' } {
    return { type: 'boolean', ...o } as Schema<boolean> & O & { type: 'boolean' };
  },
  /** One of the listed strings. */
  enum<const V extends readonly string[], const O extends Common<V[number]>>(values: V, o?: O): Schema<V[number]> & O {
    return { type: 'string', enum: [...values], ...o } as unknown as Schema<V[number]> & O;
  },
  /** A list; in a query string comma-separated (`ids=1,2,3`) or repeated (`ids=1&ids=2`). */
  array<T, const O extends Common<T[]> & { minItems?: number; maxItems?: number }>(items: Schema<T>, o?: O): Schema<T[]> & O {
    return { type: 'array', items, ...o } as unknown as Schema<T[]> & O;
  },
  /** An object with these properties; `required` lists the ones that must be present. Unknown keys are refused unless `additionalProperties` says otherwise. */
  object<P extends Props, R extends keyof P = never>(
    properties: P,
    o: { required?: readonly R[]; additionalProperties?: boolean | Schema; description?: string; title?: string } = {},
  ): Schema<ObjectOf<P, R>> {
    const { required, additionalProperties, ...rest } = o;
    return built({ type: 'object', properties, ...(required?.length ? { required: [...required] } : {}), additionalProperties: additionalProperties ?? false, ...rest }) as Schema<ObjectOf<P, R>>;
  },
  /** An object whose keys are free (e.g. per-criterion weights), each value matching `values`. */
  record<T>(values: Schema<T>, o: { description?: string } = {}): Schema<Record<string, T>> {
    return { type: 'object', additionalProperties: values, ...o } as Schema<Record<string, T>>;
  },
  /** The schema or null. */
  nullable<T>(schema: Schema<T>): Schema<T | null> {
    const type = schema.type;
    if (typeof type === 'string') return { ...schema, type: [type, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) } as Schema<T | null>;
    return { oneOf: [schema, { type: 'null' }] } as Schema<T | null>;
  },
  /** Any of the schemas (the first that matches wins). */
  oneOf<A extends Schema[]>(...schemas: A): Schema<Infer<A[number]>> {
    return { oneOf: schemas } as Schema<Infer<A[number]>>;
  },
  /** Anything (documented but not checked), e.g. a GeoJSON geometry checked by PostGIS. */
  any(o: { description?: string; type?: string } = {}): Schema<unknown> {
    return { ...o } as Schema<unknown>;
  },
};

/** Where a value came from: query strings are coerced, bodies are taken as sent. */
export type Source = 'query' | 'body';

/** A 400 naming the field and its value. */
function invalid(source: Source, path: string, value: unknown, reason: string): AppError {
  const what = source === 'query' ? 'parameter' : 'field';
  if (!path) return new AppError('bad_request', `request ${source} ${reason}, got ${JSON.stringify(value)}`, { value });
  return new AppError('bad_request', `${what} "${path}" ${reason}, got ${JSON.stringify(value)}`,
    source === 'query' ? { parameter: path, value } : { field: path, value });
}

function typesOf(schema: Schema): string[] | null {
  const t = schema.type;
  if (t === undefined) return null;
  return Array.isArray(t) ? (t as string[]) : [t as string];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Coerce one query string to the first declared type it fits. */
function coerceQuery(schema: Schema, raw: unknown): unknown {
  const types = typesOf(schema);
  if (types === null) return raw;
  if (types.includes('array')) {
    const list = Array.isArray(raw) ? raw.flatMap((x) => String(x).split(',')) : String(raw) === '' ? [] : String(raw).split(',');
    return list.map((x) => coerceQuery((schema.items as Schema) ?? {}, x.trim()));
  }
  if (Array.isArray(raw)) return raw; // repeated scalar: refused below as "given once"
  const str = String(raw);
  for (const t of types) {
    if (t === 'integer' && /^-?\d+$/.test(str)) return Number(str);
    if (t === 'number' && str.trim() !== '' && Number.isFinite(Number(str))) return Number(str);
    if (t === 'boolean' && (str === 'true' || str === 'false')) return str === 'true';
    if (t === 'null' && str === '') return null;
    if (t === 'string') return str;
  }
  return str;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the leading YYYY-MM-DD of `s` is a day of the calendar (Date.parse takes 2025-02-30). */
function realDay(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function describeType(types: string[]): string {
  const names: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'a JSON object', null: 'null' };
  return types.map((t) => names[t] ?? t).join(' or ');
}

/** Check `value` against `schema`; returns the value with defaults filled in (and query strings coerced). */
function check(schema: Schema, value: unknown, path: string, source: Source): unknown {
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
    const branches = (schema.oneOf ?? schema.anyOf) as Schema[];
    let best: AppError | undefined;
    for (const b of branches) {
      try {
        return check(b, value, path, source);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // Report the failure of the branch meant for this kind of value (an object's, for an object).
        const types = typesOf(b);
        if (!best || (types && (types.includes(jsonType(value)) || (jsonType(value) === 'integer' && types.includes('number'))))) best = err;
      }
    }
    throw best ?? invalid(source, path, value, 'matches none of the allowed forms');
  }
  const types = typesOf(schema);
  let v = source === 'query' && path.indexOf('.') < 0 && path.indexOf('[') < 0 ? coerceQuery(schema, value) : value;
  if (types) {
    const actual = jsonType(v);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) {
      if (source === 'query' && Array.isArray(value) && !types.includes('array')) throw invalid(source, path, value, 'must be given once');
      throw invalid(source, path, value, `must be ${describeType(types)}`);
    }
  }
  if (schema.const !== undefined && v !== schema.const) throw invalid(source, path, value, `must be ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) {
    throw invalid(source, path, value, `must be one of ${schema.enum.filter((e) => e !== null).join(', ')}`);
  }
  if (typeof v === 'number') {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    // `x-capped`: above the maximum is taken as the maximum (OGC API – Features `limit`), not refused.
    if (max !== undefined && v > max && schema['x-capped'] === true) v = max;
    if ((min !== undefined && (v as number) < min) || (max !== undefined && (v as number) > max)) {
      throw invalid(source, path, value, min !== undefined && max !== undefined ? `must be within ${min}..${max}` : min !== undefined ? `must be at least ${min}` : `must be at most ${max}`);
    }
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (schema.minLength !== undefined && len < (schema.minLength as number)) {
      throw invalid(source, path, value, schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
    }
    if (schema.maxLength !== undefined && len > (schema.maxLength as number)) throw invalid(source, path, value, `must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) throw invalid(source, path, value, `must match ${schema.pattern}${schema.description ? ` (${schema.description})` : ''}`);
    if (schema.format === 'date-time' && (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v)) || !realDay(v))) throw invalid(source, path, value, 'must be an RFC 3339 date-time');
    if (schema.format === 'date' && (!DATE.test(v) || !realDay(v))) throw invalid(source, path, value, 'must be a date (YYYY-MM-DD)');
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < (schema.minItems as number)) throw invalid(source, path, value, `must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && v.length > (schema.maxItems as number)) throw invalid(source, path, value, `must have at most ${schema.maxItems} items`);
    // Items of a query list were coerced with the list (their paths hold "[", so not again).
    if (schema.items) v = v.map((x, i) => check(schema.items as Schema, x, `${path}[${i}]`, source));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) v = checkObject(schema, v as Record<string, unknown>, path, source);
  return v;
}

function checkObject(schema: Schema, obj: Record<string, unknown>, path: string, source: Source): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const out: Record<string, unknown> = {};
  for (const k of (schema.required ?? []) as string[]) {
    if (obj[k] === undefined) throw invalid(source, at(k), null, 'is required');
  }
  for (const [k, raw] of Object.entries(obj)) {
    if (raw === undefined) continue;
    const p = props[k];
    if (p) {
      out[k] = check(p, raw, at(k), source);
    } else if (schema.additionalProperties === false) {
      const known = Object.keys(props);
      throw invalid(source, at(k), raw, `is not known${known.length ? ` (known: ${known.join(', ')})` : ''}`);
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      out[k] = check(schema.additionalProperties as Schema, raw, at(k), source);
    } else {
      out[k] = raw;
    }
  }
  for (const [k, p] of Object.entries(props)) {
    if (out[k] === undefined && p.default !== undefined) out[k] = structuredClone(p.default);
  }
  return out;
}

/**
 * Validate a request's query (an object of strings) or JSON body against `schema` and return the
 * typed value, defaults filled in. Throws a 400 naming the field and the value.
 */
export function validate<T>(schema: Schema<T>, value: unknown, source: Source): T {
  if (source === 'query') {
    const obj = (value ?? {}) as Record<string, unknown>;
    return checkObject(schema, obj, '', 'query') as T;
  }
  if (value === undefined && typesOf(schema)?.includes('object')) value = {};
  try {
    return check(schema, value, '', 'body') as T;
  } catch (err) {
    // A body that is wrong as a whole is named by the schema's title ("brief must be a JSON object").
    if (err instanceof AppError && typeof schema.title === 'string' && err.message.startsWith('request body ')) {
      err.message = `${schema.title} ${err.message.slice('request body '.length)}`;
    }
    throw err;
  }
}
