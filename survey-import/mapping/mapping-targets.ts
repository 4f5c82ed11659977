/**
 * What a user may map an unmapped source field to in the upload preview: the attributes of the
 * target layer's definition (layers/catalog.ts) that attribute mapping can fill, with their zh/en
 * labels and units, plus two import-only targets (a plot-ratio range, the declared area). A
 * mapping `{ sourceField: target }` is checked against them, and against the batch's fields,
 * before it is applied; every problem names the field and the value.
 */
import { findLayer } from '../../layers/catalog.ts';
import type { I18nText } from '../../layers/definition.ts';
import { HEADER_ALIASES } from './dictionaries.ts';

/** A column a source field can be mapped to. */
export interface MappingTarget {
  /** The value to send in the mapping (a carrier column, or an import-only target). */
  column: string;
  label: I18nText;
  unit?: string;
}

/** Targets that are not layer attributes but feed them at import. */
const IMPORT_ONLY: MappingTarget[] = [
  { column: 'plot_ratio', label: { zh: '容积率（如 1.0-2.5，填入上下限）', en: 'Plot ratio (e.g. 1.0-2.5: minimum and maximum)' } },
  { column: 'area_declared_m2', label: { zh: '申报面积（与图形面积核对）', en: 'Declared area (checked against the geometry)' }, unit: 'm²' },
];

/** "" or "ignore": the field is left out without being reported again. */
export const IGNORE_TARGETS = new Set(['', 'ignore']);

/** Layers whose attributes can be mapped. */
export const MAPPABLE_LAYERS = new Set(['land', 'factories', 'offices', 'amenities']);

/** The amenity attributes an import fills (the name, and the layer's kind, code and address). */
const AMENITY_TARGETS = new Set(['kind', 'code', 'address']);

const FILLABLE = new Set<string>([...Object.keys(HEADER_ALIASES), 'plot_ratio_min', 'plot_ratio_max']);

/** The targets of `layer` (empty for layers without attribute mapping), in the definition's order. */
export function mappingTargets(layer: string): MappingTarget[] {
  const def = MAPPABLE_LAYERS.has(layer) ? findLayer(layer) : undefined;
  if (!def) return [];
  if (layer === 'amenities') {
    return [
      { column: 'name', label: { zh: '名称', en: 'Name' } },
      ...def.attributes.filter((a) => AMENITY_TARGETS.has(a.column ?? a.name)).map((a) => ({ column: a.column ?? a.name, label: a.label })),
    ];
  }
  const targets: MappingTarget[] = [];
  for (const a of def.attributes) {
    const column = a.column ?? a.name;
    if (!FILLABLE.has(column) || a.editable === false) continue;
    targets.push({ column, label: a.label, ...(a.unit ? { unit: a.unit } : {}) });
  }
  return [...targets, ...IMPORT_ONLY.filter((t) => FILLABLE.has(t.column))];
}

/** One problem with a mapping: the source field, the value given for it, and why (English; localized when served). */
export interface MappingProblem {
  field: string;
  value: unknown;
  message: string;
}

/**
 * Problems of `mapping` for `layer`: a field the batch does not have (`fields`), a target that is
 * not an attribute of the layer, a target that is not text. Empty when it can be applied.
 */
export function mappingProblems(layer: string, mapping: Record<string, unknown>, fields: ReadonlySet<string>, batchId: number): MappingProblem[] {
  const targets = new Set(mappingTargets(layer).map((t) => t.column));
  const problems: MappingProblem[] = [];
  for (const [field, target] of Object.entries(mapping)) {
    if (!fields.has(field)) {
      problems.push({ field, value: target, message: `field "${field}" is not a field of batch ${batchId} (${[...fields].join(', ') || 'none'})` });
    } else if (typeof target !== 'string') {
      problems.push({ field, value: target, message: `field "${field}": the target ${JSON.stringify(target)} is not an attribute name` });
    } else if (!IGNORE_TARGETS.has(target) && !targets.has(target)) {
      problems.push({ field, value: target, message: `field "${field}": "${target}" is not an attribute of layer ${layer}; use one of ${[...targets].join(', ')}` });
    }
  }
  return problems;
}
