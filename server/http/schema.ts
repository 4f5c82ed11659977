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

/** Languages of the validation messages. */
export type Lang = 'zh' | 'en';

/** A reason in both languages. */
type Reason = Record<Lang, string>;
const r = (en: string, zh: string): Reason => ({ en, zh });

/** Where and in which language a value is checked. */
interface Ctx {
  source: Source;
  lang: Lang;
}

/**
 * A 400 naming the field and its value in `ctx.lang`. A body field's error also carries
 * `fields: [{field, value, message}]`, the shape the forms (enquiry, edit) mark fields from.
 */
function invalid(ctx: Ctx, path: string, value: unknown, reason: Reason): AppError {
  const got = JSON.stringify(value) ?? 'nothing';
  const zh = ctx.lang === 'zh';
  const because = reason[ctx.lang];
  if (!path) {
    const whole = zh ? (ctx.source === 'query' ? '请求参数' : '请求体') : `request ${ctx.source}`;
    return new AppError('bad_request', zh ? `${whole}${because}，收到 ${got}` : `${whole} ${because}, got ${got}`, { value });
  }
  const what = ctx.source === 'query' ? (zh ? '参数' : 'parameter') : (zh ? '字段' : 'field');
  const message = zh ? `${what} "${path}" ${because}，收到 ${got}` : `${what} "${path}" ${because}, got ${got}`;
  return new AppError('bad_request', message,
    ctx.source === 'query' ? { parameter: path, value } : { field: path, value, fields: [{ field: path, value, message: because }] });
}

/**
 * A 400 naming a body field and its value in `lang`, worded like the schema's own refusals: for the
 * rules a schema cannot say (a brief's weights summing to 100), checked by services after `validate`.
 */
export function fieldError(path: string, value: unknown, reason: Record<Lang, string>, lang: Lang = 'en'): AppError {
  return invalid({ source: 'body', lang }, path, value, reason);
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

const TYPE_NAMES: Record<string, Reason> = {
  integer: r('an integer', '整数'), number: r('a number', '数字'), string: r('a string', '文字'), boolean: r('true or false', 'true 或 false'),
  array: r('a list', '列表'), object: r('a JSON object', 'JSON 对象'), null: r('null', 'null'),
};

function mustBeType(types: string[]): Reason {
  const names = (lang: Lang) => types.map((t) => TYPE_NAMES[t]?.[lang] ?? t);
  return r(`must be ${names('en').join(' or ')}`, `必须是${names('zh').join('或')}`);
}

/** Check `value` against `schema`; returns the value with defaults filled in (and query strings coerced). */
function check(schema: Schema, value: unknown, path: string, ctx: Ctx): unknown {
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
    const branches = (schema.oneOf ?? schema.anyOf) as Schema[];
    let best: AppError | undefined;
    for (const b of branches) {
      try {
        return check(b, value, path, ctx);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // Report the failure of the branch meant for this kind of value (an object's, for an object).
        const types = typesOf(b);
        if (!best || (types && (types.includes(jsonType(value)) || (jsonType(value) === 'integer' && types.includes('number'))))) best = err;
      }
    }
    throw best ?? invalid(ctx, path, value, r('matches none of the allowed forms', '不符合任何允许的形式'));
  }
  const types = typesOf(schema);
  let v = ctx.source === 'query' && path.indexOf('.') < 0 && path.indexOf('[') < 0 ? coerceQuery(schema, value) : value;
  if (types) {
    const actual = jsonType(v);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) {
      if (ctx.source === 'query' && Array.isArray(value) && !types.includes('array')) throw invalid(ctx, path, value, r('must be given once', '只能给出一次'));
      throw invalid(ctx, path, value, mustBeType(types));
    }
  }
  if (schema.const !== undefined && v !== schema.const) throw invalid(ctx, path, value, r(`must be ${JSON.stringify(schema.const)}`, `必须是 ${JSON.stringify(schema.const)}`));
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) {
    const values = schema.enum.filter((e) => e !== null);
    throw invalid(ctx, path, value, r(`must be one of ${values.join(', ')}`, `必须是 ${values.join('、')} 之一`));
  }
  if (typeof v === 'number') {
    const min = schema.minimum as number | undefined;
    const max = schema.maximum as number | undefined;
    // `x-capped`: above the maximum is taken as the maximum (OGC API – Features `limit`), not refused.
    if (max !== undefined && v > max && schema['x-capped'] === true) v = max;
    if ((min !== undefined && (v as number) < min) || (max !== undefined && (v as number) > max)) {
      throw invalid(ctx, path, value, min !== undefined && max !== undefined ? r(`must be within ${min}..${max}`, `必须在 ${min}..${max} 之间`)
        : min !== undefined ? r(`must be at least ${min}`, `不能小于 ${min}`) : r(`must be at most ${max}`, `不能大于 ${max}`));
    }
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (schema.minLength !== undefined && len < (schema.minLength as number)) {
      throw invalid(ctx, path, value, schema.minLength === 1 ? r('must not be empty', '不能为空') : r(`must have at least ${schema.minLength} characters`, `至少 ${schema.minLength} 个字符`));
    }
    if (schema.maxLength !== undefined && len > (schema.maxLength as number)) throw invalid(ctx, path, value, r(`must have at most ${schema.maxLength} characters`, `不能超过 ${schema.maxLength} 个字符`));
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) {
      const about = schema.description ? ` (${schema.description})` : '';
      throw invalid(ctx, path, value, r(`must match ${schema.pattern}${about}`, `格式不符 ${schema.pattern}${about}`));
    }
    if (schema.format === 'date-time' && (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v)) || !realDay(v))) throw invalid(ctx, path, value, r('must be an RFC 3339 date-time', '必须是 RFC 3339 日期时间'));
    if (schema.format === 'date' && (!DATE.test(v) || !realDay(v))) throw invalid(ctx, path, value, r('must be a date (YYYY-MM-DD)', '必须是日期（YYYY-MM-DD）'));
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < (schema.minItems as number)) throw invalid(ctx, path, value, r(`must have at least ${schema.minItems} items`, `至少 ${schema.minItems} 项`));
    if (schema.maxItems !== undefined && v.length > (schema.maxItems as number)) throw invalid(ctx, path, value, r(`must have at most ${schema.maxItems} items`, `最多 ${schema.maxItems} 项`));
    // Items of a query list were coerced with the list (their paths hold "[", so not again).
    if (schema.items) v = v.map((x, i) => check(schema.items as Schema, x, `${path}[${i}]`, ctx));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) v = checkObject(schema, v as Record<string, unknown>, path, ctx);
  return v;
}

function checkObject(schema: Schema, obj: Record<string, unknown>, path: string, ctx: Ctx): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const out: Record<string, unknown> = {};
  for (const k of (schema.required ?? []) as string[]) {
    if (obj[k] === undefined) throw invalid(ctx, at(k), null, r('is required', '必填'));
  }
  for (const [k, raw] of Object.entries(obj)) {
    if (raw === undefined) continue;
    const p = props[k];
    if (p) {
      out[k] = check(p, raw, at(k), ctx);
    } else if (schema.additionalProperties === false) {
      const known = Object.keys(props);
      throw invalid(ctx, at(k), raw, r(`is not known${known.length ? ` (known: ${known.join(', ')})` : ''}`, `不是已知字段${known.length ? `（已知：${known.join('、')}）` : ''}`));
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      out[k] = check(schema.additionalProperties as Schema, raw, at(k), ctx);
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
 * typed value, defaults filled in. Throws a 400 naming the field and the value, in `lang`
 * (the route passes the caller's language; see `requestLang`).
 */
export function validate<T>(schema: Schema<T>, value: unknown, source: Source, lang: Lang = 'en'): T {
  const ctx: Ctx = { source, lang };
  if (source === 'query') {
    const obj = (value ?? {}) as Record<string, unknown>;
    return checkObject(schema, obj, '', ctx) as T;
  }
  if (value === undefined && typesOf(schema)?.includes('object')) value = {};
  try {
    return check(schema, value, '', ctx) as T;
  } catch (err) {
    // A body that is wrong as a whole is named by the schema's title ("brief must be a JSON object").
    const whole = lang === 'zh' ? '请求体' : 'request body ';
    if (err instanceof AppError && typeof schema.title === 'string' && err.message.startsWith(whole)) {
      err.message = `${schema.title}${lang === 'zh' ? '' : ' '}${err.message.slice(whole.length)}`;
    }
    throw err;
  }
}

/**
 * The caller's language for messages: a `lang` query parameter (`zh`/`en`), else the first
 * language of `Accept-Language` that is Chinese or English, else `fallback` (English for the API;
 * public forms pass Chinese).
 */
export function requestLang(queryLang: unknown, acceptLanguage: string | undefined, fallback: Lang = 'en'): Lang {
  if (queryLang === 'zh' || queryLang === 'en') return queryLang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
