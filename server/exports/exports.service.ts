/**
 * Downloads of a layer or of a query result (bbox, CQL2 filter, attribute=value, a selection of
 * ids) as GeoJSON, CSV, KML or a zipped ESRI Shapefile. Features are selected exactly as OGC API
 * items are (`parseFeatureQuery`) and with the same visibility: the public gets published features
 * only. GeoJSON, CSV and KML are streamed batch by batch; the shapefile is assembled in memory
 * because its headers need totals and column widths first.
 */
import type { Feature, Geometry } from 'geojson';
import { zipSync } from 'fflate';
import type { LayerDefinition } from '../../layers/definition.ts';
import { seesInternalFields, type Viewer } from '../auth/roles.ts';
import { findLayer } from '../../layers/catalog.ts';
import { AppError, BadParameterError, NotFoundError } from '../../core/errors.ts';
import { toFeature } from '../features/features.service.ts';
import type { ExportRow, FeaturesRepository } from '../features/features.repository.ts';
import { parseFeatureQuery, viewerSeesAll } from '../ogc/ogc.service.ts';
import { EXPORT_FORMATS, EXPORT_PARAMS, type ExportQuery } from './export.input.ts';
import { csvLine, UTF8_BOM } from './csv-writer.ts';
import { KML_TAIL, kmlHead, kmlPlacemark } from './kml-writer.ts';
import { orientGeometry } from './rings.ts';
import { writeShapefile, type ShapefileField } from './shapefile-writer.ts';

/** Most features one export may hold; more is a 413 naming the count. */
export const EXPORT_MAX_FEATURES = 200_000;

export { EXPORT_FORMATS, type ExportFormat } from './export.input.ts';

/** A download: its name, media type, feature count and content, produced as it is read. */
export interface ExportFile {
  filename: string;
  contentType: string;
  count: number;
  body: AsyncIterable<string | Uint8Array>;
}

/** `yyyymmdd` of `d` in China Standard Time, the bureau's calendar day. */
export function chinaDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(d).replaceAll('-', '');
}

/** Parse `ids=1,2,3` (feature ids of the layer); throws naming a malformed one. */
export function parseIds(raw: unknown): string[] | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw new BadParameterError('ids', raw, 'must be given once');
  const ids = raw.split(',').map((s) => s.trim());
  const bad = ids.findIndex((s) => !/^[0-9A-Za-z_-]{1,64}$/.test(s));
  if (bad >= 0) throw new BadParameterError('ids', raw, `has a malformed id "${ids[bad]}" at position ${bad + 1}`);
  if (ids.length > EXPORT_MAX_FEATURES) throw new BadParameterError('ids', `${ids.length} ids`, `may list at most ${EXPORT_MAX_FEATURES} ids`);
  return ids;
}

/** Column names of every export: id, name, then the layer's attributes in catalog order. */
function columnsOf(layer: LayerDefinition): string[] {
  return ['id', 'name', ...layer.attributes.map((a) => a.name)];
}

interface ExportFeature {
  feature: Feature;
  row: ExportRow;
}

/** Exports of layers and query results. */
export class ExportsService {
  constructor(
    private readonly repo: FeaturesRepository,
    private readonly options: { now?: () => Date; maxFeatures?: number } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Select, count and encode features; 413 when more than `EXPORT_MAX_FEATURES` match. */
  async export(layerId: string, viewer: Viewer, query: ExportQuery): Promise<ExportFile> {
    const layer = findLayer(layerId, seesInternalFields(viewer));
    if (!layer) throw new NotFoundError('layer', layerId);
    const { format } = query;
    const fq = { ...parseFeatureQuery(layer, query.selection, EXPORT_PARAMS), ids: parseIds(query.ids) };
    const sees = viewerSeesAll(layer, viewer);
    const count = await this.repo.count(layer, sees, fq);
    const max = this.options.maxFeatures ?? EXPORT_MAX_FEATURES;
    if (count > max) {
      throw new AppError('payload_too_large',
        `export of ${count} features of layer "${layer.id}" exceeds the limit of ${max}; narrow it with bbox, filter or ids`,
        { count, limit: max });
    }
    const features = async function* (repo: FeaturesRepository): AsyncGenerator<ExportFeature[]> {
      for await (const rows of repo.exportRows(layer, sees, fq)) yield rows.map((row) => ({ feature: toFeature(layer, row), row }));
    };
    const base = `${layer.id}-${chinaDate(this.now())}`;
    const encoders = { geojson: geojsonBody, csv: csvBody, kml: kmlBody, shapefile: (l: LayerDefinition, f: AsyncIterable<ExportFeature[]>) => shapefileBody(l, f, base, this.now()) };
    return {
      filename: `${base}.${EXPORT_FORMATS[format].ext}`,
      contentType: EXPORT_FORMATS[format].type,
      count,
      body: encoders[format](layer, features(this.repo)),
    };
  }
}

/** RFC 7946 FeatureCollection: WGS84, exterior rings counter-clockwise, full coordinate precision. */
async function* geojsonBody(layer: LayerDefinition, batches: AsyncIterable<ExportFeature[]>): AsyncGenerator<string> {
  yield `{"type":"FeatureCollection","name":${JSON.stringify(layer.id)},"features":[\n`;
  let first = true;
  for await (const batch of batches) {
    let chunk = '';
    for (const { feature } of batch) {
      const f = { ...feature, geometry: orientGeometry(feature.geometry, 'ccw') };
      chunk += (first ? '' : ',\n') + JSON.stringify(f);
      first = false;
    }
    yield chunk;
  }
  yield '\n]}\n';
}

/** CSV: BOM, a header of attribute names, then one line per feature with `wkt`, `lon`, `lat`. */
async function* csvBody(layer: LayerDefinition, batches: AsyncIterable<ExportFeature[]>): AsyncGenerator<string> {
  const columns = columnsOf(layer);
  yield UTF8_BOM + csvLine([...columns, 'wkt', 'lon', 'lat']);
  for await (const batch of batches) {
    let chunk = '';
    for (const { feature, row } of batch) {
      const p = feature.properties!;
      chunk += csvLine([feature.id, ...columns.slice(1).map((c) => p[c]), row.wkt, row.lon, row.lat]);
    }
    yield chunk;
  }
}

/** KML 2.2 document with one Placemark per feature. */
async function* kmlBody(layer: LayerDefinition, batches: AsyncIterable<ExportFeature[]>): AsyncGenerator<string> {
  yield kmlHead(layer.title.zh, layer.title.en);
  for await (const batch of batches) {
    let chunk = '';
    for (const { feature } of batch) {
      const p = feature.properties!;
      const data = [
        { name: 'id', label: '编号 ID', value: feature.id },
        ...layer.attributes.map((a) => ({ name: a.name, label: a.label.zh, value: p[a.name] })),
      ];
      chunk += kmlPlacemark(`${layer.id}.${feature.id}`, p.name, data, feature.geometry);
    }
    yield chunk;
  }
  yield KML_TAIL;
}

/** Zipped shapefile (.shp .shx .dbf .prj .cpg) plus `fields.txt` mapping DBF names to attributes. */
async function* shapefileBody(layer: LayerDefinition, batches: AsyncIterable<ExportFeature[]>, base: string, today: Date): AsyncGenerator<Uint8Array> {
  const records: { geometry: Geometry | null; properties: Record<string, unknown> }[] = [];
  let numericIds = true;
  for await (const batch of batches) {
    for (const { feature } of batch) {
      if (typeof feature.id !== 'number') numericIds = false;
      records.push({ geometry: feature.geometry, properties: { ...feature.properties, id: feature.id } });
    }
  }
  const fields: ShapefileField[] = [
    { name: 'id', type: numericIds ? 'integer' : 'string' },
    { name: 'name', type: 'string' },
    ...layer.attributes.map((a) => ({ name: a.name, type: a.type })),
  ];
  const files = writeShapefile(layer.geometryType, fields, records, today);
  const labels = new Map(layer.attributes.map((a) => [a.name, a]));
  const mapping = [
    `${layer.title.zh} / ${layer.title.en} — ${records.length} features, WGS84 (EPSG:4326), text encoded as UTF-8`,
    '',
    'DBF field\tattribute\t中文\tEnglish\tunit',
    ...fields.map((f) => {
      const a = labels.get(f.name);
      const label = f.name === 'id' ? ['编号', 'Feature id'] : f.name === 'name' ? ['名称', 'Name'] : [a!.label.zh, a!.label.en];
      return [files.dbfNames.get(f.name), f.name, ...label, a?.unit ?? ''].join('\t');
    }),
    '',
  ].join('\r\n');
  const enc = new TextEncoder();
  yield zipSync({
    [`${base}.shp`]: files.shp,
    [`${base}.shx`]: files.shx,
    [`${base}.dbf`]: files.dbf,
    [`${base}.prj`]: enc.encode(files.prj),
    [`${base}.cpg`]: enc.encode(files.cpg),
    'fields.txt': enc.encode(mapping),
  }, { level: 6 });
}
