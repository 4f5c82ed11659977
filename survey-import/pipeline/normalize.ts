/**
 * Normalize read items for a target layer: map attributes onto the layer's columns, turn reader
 * errors into rejected rows (so the error table names file, row and value), and adapt geometry
 * (a closed GPS track becomes a candidate parcel polygon when importing land).
 */
import type { Geometry, Position } from 'geojson';
import { AMENITY_KINDS } from '../../layers/catalog.ts';
import type { ItemIssue, ReadItem } from '../types.ts';
import { county, mapCarrierAttributes } from '../mapping/field-mapping.ts';
import type { ImportLayer, StageRow } from './import.repository.ts';

/** A staged row before its CRS is applied. */
export type NormalizedRow = Omit<StageRow, 'srid'>;

const CLOSE_ENOUGH_M = 15;

function metres(a: Position, b: Position): number {
  const dy = (a[1] - b[1]) * 111_320;
  const dx = (a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

/** A track whose ends meet (within 15 m, in lon/lat data) as a polygon; null otherwise. */
function closedTrackPolygon(g: Geometry): Geometry | null {
  const line = g.type === 'LineString' ? g.coordinates : g.type === 'MultiLineString' && g.coordinates.length === 1 ? g.coordinates[0] : null;
  if (!line || line.length < 4) return null;
  const first = line[0];
  const last = line[line.length - 1];
  const lonLat = Math.abs(first[0]) <= 180 && Math.abs(first[1]) <= 90;
  const closed = lonLat ? metres(first, last) <= CLOSE_ENOUGH_M : first[0] === last[0] && first[1] === last[1];
  if (!closed) return null;
  return { type: 'Polygon', coordinates: [[...line.slice(0, -1), line[0]]] };
}

const AMENITY_BY_LABEL = new Map<string, string>();
for (const [kind, l] of Object.entries(AMENITY_KINDS)) {
  AMENITY_BY_LABEL.set(kind.toLowerCase(), kind);
  AMENITY_BY_LABEL.set(l.zh, kind);
  AMENITY_BY_LABEL.set(l.en.toLowerCase(), kind);
  for (const part of l.zh.split('/')) AMENITY_BY_LABEL.set(part, kind);
}

/** Fields the platform derives itself (its own exports carry them): never reported as unmapped. */
const PLATFORM_FIELDS = new Set(['id', 'area_m2', 'review_state', 'park_id', 'version', 'updated_at', 'created_at', 'batch_id']);
/** Columns naming an amenity's county (a name such as 通川区 or an adcode); without one the geometry decides. */
const AMENITY_COUNTY_FIELDS = ['county_adcode', 'county', 'adcode', '县区', '区县', '县市区', '行政区', 'xzq', 'xq'];
/** Source fields the amenity import reads (kind, name, code, address, county) or the platform derives. */
const AMENITY_FIELDS = new Set(['kind', 'type', '类型', '类别', 'category', 'lx', 'name', '名称', 'mc', 'title', 'code', '编号', 'id', 'bh',
  'address', '地址', 'dz', ...AMENITY_COUNTY_FIELDS, 'review_state', 'lon', 'lng', 'lat', 'longitude', 'latitude', '经度', '纬度', 'x', 'y', 'wkt']);

/**
 * The source fields an amenity attribute is read from: those the user mapped to it
 * (`{ sourceField: target }`, as the preview sends), the older form `{ target: sourceField }`, then
 * the usual header names.
 */
function amenitySources(target: string, defaults: string[], mapping: Record<string, string> | undefined): string[] {
  const mapped = Object.entries(mapping ?? {}).filter(([, to]) => to === target).map(([from]) => from.toLowerCase());
  const legacy = mapping?.[target] && !mapping[target].match(/^(kind|name|code|address|ignore)?$/) ? [mapping[target].toLowerCase()] : [];
  return [...mapped, ...legacy, ...defaults];
}

function pick(props: Record<string, unknown>, names: string[]): unknown {
  for (const [k, v] of Object.entries(props)) {
    if (names.includes(k.toLowerCase()) && v !== null && v !== undefined && v !== '') return v;
  }
  return undefined;
}

/**
 * Turn the items of one read file into staged rows for `layer`. `startIdx` numbers rows across all
 * files of the batch.
 */
export function normalizeItems(
  layer: ImportLayer,
  items: ReadItem[],
  errors: ItemIssue[],
  warnings: ItemIssue[],
  mapping: Record<string, string> | undefined,
  batchId: number,
  startIdx: number,
  /** Filled with the attributes that match no column: file → field → rows. */
  unmapped?: Map<string, Map<string, number>>,
): NormalizedRow[] {
  const noteUnmapped = (file: string, fields: Iterable<string>) => {
    if (!unmapped) return;
    let m = unmapped.get(file);
    if (!m) unmapped.set(file, (m = new Map()));
    for (const f of fields) m.set(f, (m.get(f) ?? 0) + 1);
  };
  const rows: NormalizedRow[] = [];
  const errorsByIndex = new Map<string, ItemIssue[]>();
  const warningsByIndex = new Map<string, ItemIssue[]>();
  for (const e of errors) if (e.index !== null) errorsByIndex.set(`${e.file}#${e.index}`, [...(errorsByIndex.get(`${e.file}#${e.index}`) ?? []), e]);
  for (const w of warnings) if (w.index !== null) warningsByIndex.set(`${w.file}#${w.index}`, [...(warningsByIndex.get(`${w.file}#${w.index}`) ?? []), w]);
  const seen = new Set<string>();
  let idx = startIdx;

  for (const item of items) {
    const key = `${item.file}#${item.index}`;
    seen.add(key);
    const issues: ItemIssue[] = [...(warningsByIndex.get(key) ?? [])];
    const itemErrors = errorsByIndex.get(key) ?? [];
    let geometry = item.geometry;
    let mapped: Record<string, unknown> = {};
    let rejected = itemErrors.length > 0;

    if (layer === 'land' || layer === 'factories' || layer === 'offices') {
      if (geometry && (item.kind === 'track' || item.kind === 'route')) {
        const poly = closedTrackPolygon(geometry);
        if (poly) {
          geometry = poly;
          issues.push({ file: item.file, index: item.index, where: item.where, field: 'geometry', code: 'track_to_polygon', message: 'closed GPS track turned into a candidate parcel polygon' });
        }
      }
      const m = mapCarrierAttributes(item.properties, { mapping, file: item.file, index: item.index, where: item.where });
      mapped = { ...m.values };
      issues.push(...m.issues);
      noteUnmapped(item.file, m.unmapped.filter((f) => !PLATFORM_FIELDS.has(f)));
      if (!mapped.code) mapped.code = `IMP-${batchId}-${idx + 1}`;
      if (!mapped.name) mapped.name = String(mapped.code);
    } else if (layer === 'amenities') {
      const rawKind = pick(item.properties, amenitySources('kind', ['kind', 'type', '类型', '类别', 'category', 'lx'], mapping));
      const kind = rawKind === undefined ? undefined : AMENITY_BY_LABEL.get(String(rawKind).trim().toLowerCase()) ?? AMENITY_BY_LABEL.get(String(rawKind).trim());
      if (!kind) {
        rejected = true;
        itemErrors.push({
          file: item.file, index: item.index, where: item.where, field: 'kind', value: rawKind ?? null,
          code: rawKind === undefined ? 'amenity_kind_missing' : 'amenity_kind_unknown',
          params: { value: JSON.stringify(rawKind ?? null), kinds: Object.keys(AMENITY_KINDS).join(', ') },
          message: rawKind === undefined
            ? 'no amenity kind column (kind / type / 类型)'
            : `unknown amenity kind ${JSON.stringify(rawKind)}; use one of ${Object.keys(AMENITY_KINDS).join(', ')} or their Chinese names`,
        });
      }
      mapped = {
        kind, name: pick(item.properties, amenitySources('name', ['name', '名称', 'mc', 'title'], mapping)) ?? null,
        code: pick(item.properties, amenitySources('code', ['code', '编号', 'id', 'bh'], mapping)) ?? null,
        address: pick(item.properties, amenitySources('address', ['address', '地址', 'dz'], mapping)) ?? null,
      };
      // A county column wins over the county the geometry lies in (staging fills it in otherwise).
      const countyRaw = pick(item.properties, AMENITY_COUNTY_FIELDS);
      if (countyRaw !== undefined) {
        const adcode = county(String(countyRaw));
        if (adcode) mapped.county_adcode = adcode;
        else issues.push({ file: item.file, index: item.index, where: item.where, field: 'county', value: countyRaw,
          message: `county ${JSON.stringify(countyRaw)} is not one of Dazhou's 7 county-level units; the county the point lies in is used` });
      }
      // A field the user mapped (to an attribute or to "ignore"), or named in the older { target: field } form, is not unmapped.
      const handled = new Set([...Object.keys(mapping ?? {}), ...Object.values(mapping ?? {})].map((k) => k.toLowerCase()));
      noteUnmapped(item.file, Object.keys(item.properties).filter((k) => !AMENITY_FIELDS.has(k.toLowerCase()) && !handled.has(k.toLowerCase())));
    } else {
      mapped = { name: pick(item.properties, ['name', '名称', 'title']) ?? null };
    }

    rows.push({
      idx: idx++, file: item.file, file_index: item.index, location: item.where, kind: item.kind,
      status: rejected ? 'rejected' : issues.length ? 'warning' : 'valid',
      issues: [...itemErrors.map((e) => ({ severity: 'error' as const, ...e })), ...issues.map((w) => ({ severity: 'warning' as const, ...w }))],
      mapped, raw: item.properties, geom: rejected ? null : geometry,
    });
  }

  // Errors about items the reader could not even build (bad rows): rejected rows without geometry.
  const orphanErrors = new Map<string, ItemIssue[]>();
  for (const e of errors) {
    if (e.index === null) continue;
    const key = `${e.file}#${e.index}`;
    if (!seen.has(key)) orphanErrors.set(key, [...(orphanErrors.get(key) ?? []), e]);
  }
  for (const list of orphanErrors.values()) {
    const e = list[0];
    rows.push({
      idx: idx++, file: e.file, file_index: e.index, location: e.where ?? null, kind: 'feature', status: 'rejected',
      issues: list.map((e) => ({ severity: 'error' as const, ...e })), mapped: {}, raw: {}, geom: null,
    });
  }
  return rows;
}
