/**
 * Shapefile reader: a .zip holding one or more layers (possibly in sub-folders), or loose
 * .shp/.shx/.dbf/.prj/.cpg files uploaded together.
 *
 * - Geometry comes from the `shapefile` package (the only place it is used); attributes from
 *   dbf.ts, so each text value is decoded with the right code page.
 * - CRS: `opts.crs`, else the .prj (prj.ts), else EPSG:4326 when every coordinate is a
 *   plausible lon/lat, else a ReadError asking for --crs. An unrecognised .prj is a ReadError
 *   quoting its name: guessing a projected CRS would put parcels in the wrong place silently.
 * - Encoding: `opts.encoding`, else .cpg (or GeoServer's .cst), else the DBF language-driver
 *   byte for GBK, else UTF-8; when UTF-8 yields U+FFFD, GBK is tried and a warning names it.
 * - A zip with several layers yields one ReadResult per layer (file "<zip>/<path>.shp"):
 *   survey deliveries often bundle parcels, roads and buildings, and rejecting the whole
 *   upload would make the user repackage it; each layer keeps its own CRS and issues.
 * - NULL shapes and non-finite/out-of-range coordinates become errors for that record; the
 *   record is still returned (geometry null) so its attributes can be shown.
 */
import type { Geometry } from 'geojson';
import { openShp } from 'shapefile';
import { ReadError, type InputFile, type ItemIssue, type ReadItem, type ReadOptions, type ReadResult, type SourceCrs } from '../types.ts';
import { basenameOf, encodingLabel, extensionOf, isGeographic, issue } from './common.ts';
import { checkGeometry } from './geometry-check.ts';
import { readDbf, type DbfTable } from './dbf.ts';
import { matchPrj } from './prj.ts';
import { isZip, unzip } from './zip.ts';

/** Extensions that belong to a Shapefile set (others in a zip are ignored). */
export const SHAPEFILE_PARTS = ['shp', 'shx', 'dbf', 'prj', 'cpg', 'cst', 'qpj', 'sbn', 'sbx', 'xml'];

/** One layer's parts, keyed by lower-case extension. */
interface LayerParts {
  /** Name used in messages: the .shp file name, or "<zip>/<path>" inside a zip. */
  label: string;
  parts: Map<string, Uint8Array>;
}

/**
 * Reads Shapefiles from `files`: each .zip is opened and every layer in it read; loose parts
 * are grouped by base name. Returns one ReadResult per layer, in input order.
 * Throws ReadError for a zip without .shp, a .dbf without its .shp, an unknown .prj, or
 * projected coordinates without .prj or `opts.crs`.
 */
export async function readShapefile(files: InputFile[], opts: ReadOptions = {}): Promise<ReadResult[]> {
  const layers: LayerParts[] = [];
  const loose = new Map<string, LayerParts>();
  for (const f of files) {
    if (extensionOf(f.name) === 'zip' || isZip(f.bytes)) {
      layers.push(...layersInZip(f));
      continue;
    }
    const ext = extensionOf(f.name);
    const key = f.name.slice(0, f.name.length - ext.length - 1).toLowerCase();
    let layer = loose.get(key);
    if (!layer) {
      layer = { label: '', parts: new Map() };
      loose.set(key, layer);
    }
    layer.parts.set(ext === 'xml' ? 'xml' : ext, f.bytes);
    if (ext === 'shp') layer.label = f.name;
  }
  for (const [key, layer] of loose) {
    if (!layer.parts.has('shp')) {
      const found = [...layer.parts.keys()].map((e) => `${key}.${e}`).join(', ');
      throw new ReadError(`${basenameOf(key)}.${[...layer.parts.keys()][0]}`, `no .shp file for this layer (found ${found}); upload the .shp, .shx and .dbf together`);
    }
    layers.push(layer);
  }
  const results: ReadResult[] = [];
  for (const layer of layers) results.push(await readLayer(layer, opts));
  return results;
}

/** Splits a zip into layers: every .shp and the siblings sharing its folder and base name. */
function layersInZip(zip: InputFile): LayerParts[] {
  const entries = unzip(zip.name, zip.bytes, (p) => SHAPEFILE_PARTS.includes(extensionOf(p)) && !p.endsWith('.shp.xml'));
  const shps = entries.filter((e) => extensionOf(e.path) === 'shp');
  if (shps.length === 0) {
    const found = entries.map((e) => e.path);
    throw new ReadError(zip.name, `no .shp file (found ${found.length ? found.join(', ') : 'no Shapefile parts'})`);
  }
  return shps.map((shp) => {
    const stem = shp.path.slice(0, -4).toLowerCase();
    const parts = new Map<string, Uint8Array>();
    for (const e of entries) {
      const ext = extensionOf(e.path);
      if (e.path.slice(0, -(ext.length + 1)).toLowerCase() === stem) parts.set(ext, e.bytes);
    }
    return { label: shps.length === 1 ? zip.name : `${zip.name}/${shp.path}`, parts };
  });
}

/** Decides the DBF text encoding; returns the label and where it came from. */
function chooseEncoding(layer: LayerParts, opts: ReadOptions, warnings: ItemIssue[]): { label: string; source: string } {
  if (opts.encoding) {
    const label = encodingLabel(opts.encoding);
    if (!label) throw new ReadError(layer.label, `unknown encoding option "${opts.encoding}"`);
    return { label, source: 'option' };
  }
  for (const ext of ['cpg', 'cst']) {
    const bytes = layer.parts.get(ext);
    if (!bytes) continue;
    const text = new TextDecoder('utf-8').decode(bytes).trim();
    const label = encodingLabel(text);
    if (label) return { label, source: `.${ext}` };
    warnings.push(issue(layer.label, null, undefined, `.${ext}`, text, `.${ext} code page "${text}" is not known; reading attributes as UTF-8`));
  }
  const dbf = layer.parts.get('dbf');
  // dBASE language driver IDs 0x4D and 0x7A both mean code page 936 (GBK).
  if (dbf && dbf.length > 29 && (dbf[29] === 0x4d || dbf[29] === 0x7a)) return { label: 'gbk', source: 'DBF language driver' };
  return { label: 'utf-8', source: 'default' };
}

function readAttributes(layer: LayerParts, opts: ReadOptions, warnings: ItemIssue[]): DbfTable | null {
  const bytes = layer.parts.get('dbf');
  if (!bytes) {
    warnings.push(issue(layer.label, null, undefined, '.dbf', undefined, 'no .dbf file: features have no attributes'));
    return null;
  }
  const enc = chooseEncoding(layer, opts, warnings);
  let table: DbfTable;
  try {
    table = readDbf(bytes, enc.label);
    if (table.replacementChars && enc.label === 'utf-8' && enc.source !== 'option') {
      const gbk = readDbf(bytes, 'gbk');
      if (!gbk.replacementChars) {
        warnings.push(issue(layer.label, null, undefined, '.dbf', undefined,
          `attributes are not valid UTF-8${enc.source === 'default' ? '' : ` although ${enc.source} says so`}; decoded as GBK (pass encoding to override)`));
        return gbk;
      }
      warnings.push(issue(layer.label, null, undefined, '.dbf', undefined, 'attributes contain bytes that are not valid UTF-8; pass encoding (e.g. gbk) if text looks wrong'));
    }
  } catch (err) {
    throw new ReadError(layer.label, `cannot read .dbf: ${(err as Error).message}`);
  }
  return table;
}

/** Visits every position of a geometry. */
function eachPosition(g: Geometry, fn: (p: number[]) => void): void {
  switch (g.type) {
    case 'Point': fn(g.coordinates); break;
    case 'MultiPoint': case 'LineString': g.coordinates.forEach(fn); break;
    case 'MultiLineString': case 'Polygon': g.coordinates.forEach((l) => l.forEach(fn)); break;
    case 'MultiPolygon': g.coordinates.forEach((p) => p.forEach((l) => l.forEach(fn))); break;
    case 'GeometryCollection': g.geometries.forEach((c) => eachPosition(c, fn)); break;
  }
}

async function readGeometries(layer: LayerParts): Promise<(Geometry | null)[]> {
  const shp = layer.parts.get('shp')!;
  const out: (Geometry | null)[] = [];
  try {
    const source = await openShp(shp);
    for (let r = await source.read(); !r.done; r = await source.read()) out.push(r.value);
  } catch (err) {
    throw new ReadError(layer.label, `cannot read .shp: ${(err as Error).message}`);
  }
  return out;
}

function decideCrs(layer: LayerParts, geoms: (Geometry | null)[], opts: ReadOptions, warnings: ItemIssue[]): { crs: SourceCrs; crsSource: string } {
  if (opts.crs) return { crs: opts.crs, crsSource: 'option' };
  const prj = layer.parts.get('prj');
  if (prj) {
    const text = new TextDecoder('utf-8').decode(prj).trim();
    let match;
    try {
      match = matchPrj(text);
    } catch (err) {
      throw new ReadError(layer.label, `.prj is not WKT (${(err as Error).message}); pass --crs EPSG:<code>`);
    }
    if (!match) {
      const name = /^\s*\w+\s*\[\s*"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 80);
      throw new ReadError(layer.label, `.prj "${name}" is not a recognised CRS; pass --crs EPSG:<code> (e.g. EPSG:4545 for CGCS2000 / 3-degree Gauss-Kruger CM 108E)`);
    }
    return { crs: `EPSG:${match.epsg}`, crsSource: `.prj: ${match.name}` };
  }
  let lonLat = true;
  let sample: number[] | null = null;
  for (const g of geoms) {
    if (!g) continue;
    eachPosition(g, (p) => {
      if (lonLat && !(Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90)) {
        lonLat = false;
        sample = p;
      }
    });
    if (!lonLat) break;
  }
  if (!lonLat) {
    const [x, y] = sample as unknown as number[];
    throw new ReadError(layer.label, `no .prj and coordinates such as (${x}, ${y}) are not longitude/latitude; pass --crs EPSG:<code> (e.g. EPSG:4545)`);
  }
  warnings.push(issue(layer.label, null, undefined, '.prj', undefined, 'no .prj: every coordinate is within longitude/latitude range, so EPSG:4326 is assumed'));
  return { crs: 'EPSG:4326', crsSource: 'assumed: no .prj, coordinates within lon/lat range' };
}

async function readLayer(layer: LayerParts, opts: ReadOptions): Promise<ReadResult> {
  const warnings: ItemIssue[] = [];
  const errors: ItemIssue[] = [];
  const geoms = await readGeometries(layer);
  const table = readAttributes(layer, opts, warnings);
  const { crs, crsSource } = decideCrs(layer, geoms, opts, warnings);
  const geographic = isGeographic(crs);
  // A DBF without fields carries nothing to misalign, so its record count does not matter.
  if (table && table.fields.length > 0 && table.records.length !== geoms.length) {
    warnings.push(issue(layer.label, null, undefined, '.dbf', table.records.length,
      `.shp has ${geoms.length} records but .dbf has ${table.records.length}; attributes are matched by position`));
  }
  const items: ReadItem[] = [];
  geoms.forEach((geometry, index) => {
    const where = `feature ${index + 1}`;
    const record = table?.records[index];
    if (record === null) {
      warnings.push(issue(layer.label, index, where, undefined, undefined, 'record is marked deleted in the .dbf; skipped'));
      return;
    }
    let geom = geometry;
    if (!geom) {
      errors.push(issue(layer.label, index, where, 'geometry', null, 'NULL shape (record has no geometry)'));
    } else {
      const checked = checkGeometry(geom, geographic);
      for (const p of checked.problems) (p.fatal ? errors : warnings).push(issue(layer.label, index, where, p.field, p.value, p.message));
      geom = checked.geometry;
    }
    items.push({ file: layer.label, index, where, geometry: geom, properties: { ...(record ?? {}) }, kind: 'feature' });
  });
  return { items, crs, crsSource, warnings, errors };
}
