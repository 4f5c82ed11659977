/**
 * Typed inputs of the edit routes, validated against the layer definition (`layers/catalog.ts`) —
 * the same definition the browser's edit form is generated from: types, enums, ranges, lengths,
 * required and conditionally required fields. Every problem names the field, its label and the
 * value, in the caller's language (zh-CN first, English), and all bad fields are reported at once.
 */
import type { Geometry } from 'geojson';
import type { AttributeDefinition, LayerDefinition } from '../../layers/definition.ts';
import { AppError } from '../../core/errors.ts';

/** Languages of messages. */
export type Lang = 'zh' | 'en';

/** Longest text value when the definition sets no `maxLength`. */
export const DEFAULT_MAX_LENGTH = 500;
/** Most features one bulk edit may change. */
export const BULK_MAX = 500;

/** The caller's language: `?lang=`, else the Accept-Language header, else Chinese. */
export function requestLang(queryLang: unknown, acceptLanguage: string | undefined): Lang {
  if (queryLang === 'en' || queryLang === 'zh') return queryLang;
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh';
}

/** One rejected field. */
export interface FieldProblem {
  field: string;
  value: unknown;
  message: string;
}

const MSG = {
  required: { zh: '必填', en: 'is required' },
  requiredWhen: { zh: '{attr}为“{value}”时必填', en: 'is required when {attr} is "{value}"' },
  number: { zh: '应为数字', en: 'must be a number' },
  integer: { zh: '应为整数', en: 'must be a whole number' },
  text: { zh: '应为文字', en: 'must be text' },
  boolean: { zh: '应为 true（是）或 false（否）', en: 'must be true or false' },
  date: { zh: '应为有效日期（YYYY-MM-DD）', en: 'must be a date (YYYY-MM-DD)' },
  list: { zh: '应为文字列表', en: 'must be a list of texts' },
  enum: { zh: '应为以下之一：{list}', en: 'must be one of {list}' },
  min: { zh: '不能小于 {n}', en: 'must be at least {n}' },
  max: { zh: '不能大于 {n}', en: 'must be at most {n}' },
  tooLong: { zh: '不能超过 {n} 个字符', en: 'must be at most {n} characters' },
  unknown: { zh: '不是图层“{layer}”的可编辑字段', en: 'is not an editable field of layer "{layer}"' },
  adcode: { zh: '应为 6 位行政区划代码', en: 'must be a 6-digit adcode' },
  invalid: { zh: '{what}的数据有误：', en: 'Please correct {what}: ' },
  geometry: { zh: '几何图形', en: 'geometry' },
  geomType: { zh: '应为 {types}，收到 {got}', en: 'must be {types}, got {got}' },
  geomCoords: { zh: '坐标应为经度 -180..180、纬度 -90..90 的数字，位置 {at} 为 {got}', en: 'coordinates must be numbers with longitude -180..180 and latitude -90..90; at {at} got {got}' },
  geomRing: { zh: '多边形的环至少需要 4 个点且首尾相同', en: 'a polygon ring needs at least 4 positions, the first equal to the last' },
} as const;

/** A message of `MSG` in `lang` with `{placeholders}` filled. */
export function msg(key: keyof typeof MSG, lang: Lang, params: Record<string, string | number> = {}): string {
  return MSG[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** The feature's name (the layer's `nameColumn`) as an editable, required attribute. */
export function nameAttribute(layer: LayerDefinition): AttributeDefinition {
  return {
    name: 'name', column: layer.nameColumn, type: 'string', required: true, maxLength: 200,
    label: { zh: '名称', en: 'Name' },
  };
}

/** Attributes a user may edit: the name and every attribute the definition does not mark `editable: false`. */
export function editableAttributes(layer: LayerDefinition): AttributeDefinition[] {
  return [nameAttribute(layer), ...layer.attributes.filter((a) => a.editable !== false && a.name !== 'name')];
}

/** The table column of an attribute. */
export const columnOf = (a: AttributeDefinition): string => a.column ?? a.name;

const label = (a: AttributeDefinition, lang: Lang) => (lang === 'zh' ? `${a.label.zh}（${a.name}）` : `${a.label.en} (${a.name})`);

function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Check one value; returns the normalized value, or a problem message. */
function checkValue(a: AttributeDefinition, v: unknown, lang: Lang): { value: unknown } | { problem: string } {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && a.type !== 'string[]' && v.length === 0)) {
    return { value: a.type === 'string[]' ? [] : null };
  }
  switch (a.type) {
    case 'string': {
      if (typeof v !== 'string') return { problem: msg('text', lang) };
      const s = v.trim();
      const max = a.maxLength ?? DEFAULT_MAX_LENGTH;
      if (s.length > max) return { problem: msg('tooLong', lang, { n: max }) };
      if (columnOf(a) === 'county_adcode' && !/^[0-9]{6}$/.test(s)) return { problem: msg('adcode', lang) };
      return { value: s };
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return { problem: msg('number', lang) };
      if (a.type === 'integer' && !Number.isInteger(v)) return { problem: msg('integer', lang) };
      if (a.min !== undefined && v < a.min) return { problem: msg('min', lang, { n: a.min }) };
      if (a.max !== undefined && v > a.max) return { problem: msg('max', lang, { n: a.max }) };
      return { value: v };
    }
    case 'boolean':
      return typeof v === 'boolean' ? { value: v } : { problem: msg('boolean', lang) };
    case 'date':
      return typeof v === 'string' && isValidDate(v.trim()) ? { value: v.trim() } : { problem: msg('date', lang) };
    case 'enum': {
      const values = a.values ?? {};
      if (typeof v === 'string' && Object.hasOwn(values, v)) return { value: v };
      const list = Object.entries(values).map(([k, l]) => (lang === 'zh' ? `${k}（${l.zh}）` : `${k} (${l.en})`)).join(lang === 'zh' ? '、' : ', ');
      return { problem: msg('enum', lang, { list }) };
    }
    case 'string[]': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return { problem: msg('list', lang) };
      const items = (v as string[]).map((x) => x.trim()).filter((x) => x !== '');
      const max = a.maxLength ?? 100;
      if (items.some((x) => x.length > max)) return { problem: msg('tooLong', lang, { n: max }) };
      return { value: items };
    }
  }
}

/**
 * Validate a feature's complete attribute values (by attribute name) against the definition.
 * Returns the values by table column, or the list of problems.
 */
export function checkAttributes(layer: LayerDefinition, props: Record<string, unknown>, lang: Lang): { columns: Record<string, unknown>; problems: FieldProblem[] } {
  const attrs = editableAttributes(layer);
  const known = new Set(layer.attributes.map((a) => a.name).concat('name'));
  const problems: FieldProblem[] = [];
  const columns: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    if (!known.has(key)) problems.push({ field: key, value: props[key], message: `${key}: ${msg('unknown', lang, { layer: layer.id })}` });
  }
  const normalized: Record<string, unknown> = {};
  for (const a of attrs) {
    const r = checkValue(a, props[a.name], lang);
    if ('problem' in r) {
      problems.push({ field: a.name, value: props[a.name], message: `${label(a, lang)}${lang === 'zh' ? '' : ' '}= ${JSON.stringify(props[a.name])}${lang === 'zh' ? '：' : ': '}${r.problem}` });
      continue;
    }
    normalized[a.name] = r.value;
    columns[columnOf(a)] = r.value;
  }
  for (const a of attrs) {
    if (problems.some((p) => p.field === a.name)) continue;
    const empty = normalized[a.name] === null || (Array.isArray(normalized[a.name]) && a.required && (normalized[a.name] as unknown[]).length === 0);
    if (!empty) continue;
    if (a.required) {
      problems.push({ field: a.name, value: props[a.name] ?? null, message: `${label(a, lang)}${lang === 'zh' ? '：' : ': '}${msg('required', lang)}` });
    } else if (a.requiredWhen && a.requiredWhen.values.includes(String(normalized[a.requiredWhen.attribute]))) {
      const cond = layer.attributes.find((x) => x.name === a.requiredWhen!.attribute);
      const condValue = String(normalized[a.requiredWhen.attribute]);
      problems.push({
        field: a.name, value: props[a.name] ?? null,
        message: `${label(a, lang)}${lang === 'zh' ? '：' : ': '}${msg('requiredWhen', lang, {
          attr: cond ? cond.label[lang] : a.requiredWhen.attribute,
          value: cond?.values?.[condValue]?.[lang] ?? condValue,
        })}`,
      });
    }
  }
  return { columns, problems };
}

/** A 400 listing every problem of `what` (e.g. "land 12"), in `lang`. */
export function problemsError(problems: FieldProblem[], what: string, lang: Lang): AppError {
  const first = problems[0];
  return new AppError('bad_request', msg('invalid', lang, { what }) + problems.map((p) => p.message).join(lang === 'zh' ? '；' : '; '), {
    field: first?.field, value: first?.value ?? null, fields: problems,
  });
}

/** Geometry types a layer accepts from the editor. */
function acceptedTypes(layer: LayerDefinition): string[] {
  return layer.geometryType === 'MultiPolygon' ? ['Polygon', 'MultiPolygon'] : ['Point'];
}

/** Structural check of a GeoJSON geometry for `layer` (validity proper is checked by PostGIS); null when fine. */
export function checkGeometry(layer: LayerDefinition, g: unknown, lang: Lang): FieldProblem | null {
  const types = acceptedTypes(layer);
  const problem = (m: string): FieldProblem => ({ field: 'geometry', value: typeof g === 'object' && g ? (g as Geometry).type ?? null : g ?? null, message: `${msg('geometry', lang)}${lang === 'zh' ? '：' : ': '}${m}` });
  const type = typeof g === 'object' && g !== null ? (g as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !types.includes(type)) {
    return problem(msg('geomType', lang, { types: types.join(' / '), got: JSON.stringify(type ?? g ?? null) }));
  }
  const coords = (g as { coordinates?: unknown }).coordinates;
  const pos = (p: unknown, at: string): FieldProblem | null => {
    const ok = Array.isArray(p) && p.length >= 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x))
      && Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90;
    return ok ? null : problem(msg('geomCoords', lang, { at, got: JSON.stringify(p) }));
  };
  const ring = (r: unknown, at: string): FieldProblem | null => {
    if (!Array.isArray(r) || r.length < 4) return problem(msg('geomRing', lang));
    for (let i = 0; i < r.length; i++) {
      const e = pos(r[i], `${at}[${i}]`);
      if (e) return e;
    }
    const [a, b] = [r[0] as number[], r[r.length - 1] as number[]];
    return a[0] === b[0] && a[1] === b[1] ? null : problem(msg('geomRing', lang));
  };
  const polygon = (p: unknown, at: string): FieldProblem | null => {
    if (!Array.isArray(p) || p.length === 0) return problem(msg('geomRing', lang));
    for (let i = 0; i < p.length; i++) {
      const e = ring(p[i], `${at}[${i}]`);
      if (e) return e;
    }
    return null;
  };
  if (type === 'Point') return pos(coords, 'coordinates');
  if (type === 'Polygon') return polygon(coords, 'coordinates');
  if (!Array.isArray(coords) || coords.length === 0) return problem(msg('geomRing', lang));
  for (let i = 0; i < coords.length; i++) {
    const e = polygon(coords[i], `coordinates[${i}]`);
    if (e) return e;
  }
  return null;
}
