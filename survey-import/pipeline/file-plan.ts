/**
 * Which files of an upload a layer's import reads, and why each other file is not imported. No file
 * is dropped without a word: every file left out is listed with a coded reason (messages.ts), shown
 * in the batch summary (`notImported`) and the preview.
 *
 * | layer              | read                         | not imported (reason code)                                  |
 * |--------------------|------------------------------|-------------------------------------------------------------|
 * | photos, panoramas  | images, anything unknown¹    | .srt (`not_imported_telemetry`), vector/GPS files (`not_imported_vector_in_photos`) |
 * | every other layer  | vector, GPS, .srt, unknown¹  | images (`not_imported_photo`)                              |
 *
 * ¹ a file of unknown type is read and refused by its reader with the file named. Loose Shapefile
 * sidecars (.sbn .sbx .shp.xml .qpj: spatial index, metadata) carry no features and are listed
 * (`not_imported_sidecar`), not read.
 */
import type { ItemIssue } from '../types.ts';
import type { ImportLayer } from './import.repository.ts';
import { codedIssue } from './messages.ts';

const PHOTO_EXT = new Set(['jpg', 'jpeg', 'tif', 'tiff', 'heic', 'heif', 'png']);
const VECTOR_EXT = new Set(['geojson', 'json', 'geojsonl', 'geojsons', 'ndjson', 'jsonl', 'zip', 'shp', 'shx', 'dbf', 'prj', 'cpg', 'kml', 'kmz', 'gpx', 'tcx', 'csv', 'tsv', 'txt']);
const SIDECAR_EXT = new Set(['sbn', 'sbx', 'xml', 'qpj']);

const extOf = (name: string) => /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/** An upload split into what the layer reads and what it leaves out (with reasons). */
export interface FilePlan<F> {
  read: F[];
  /** File-level warnings, one per file not imported. */
  notImported: ItemIssue[];
}

/** Decide per file of an upload whether `layer` reads it. */
export function planFiles<F extends { name: string }>(layer: ImportLayer, files: F[]): FilePlan<F> {
  const read: F[] = [];
  const notImported: ItemIssue[] = [];
  const photoLayer = layer === 'photos' || layer === 'panoramas';
  const skip = (f: F, code: string) =>
    notImported.push(codedIssue(code, { file: f.name, ext: `.${extOf(f.name)}` }, { file: f.name, index: null, severity: 'warning', field: 'file' }));
  for (const f of files) {
    const ext = extOf(f.name);
    if (photoLayer) {
      if (ext === 'srt') skip(f, 'not_imported_telemetry');
      else if (VECTOR_EXT.has(ext) || SIDECAR_EXT.has(ext)) skip(f, 'not_imported_vector_in_photos');
      else read.push(f);
    } else if (PHOTO_EXT.has(ext)) {
      skip(f, 'not_imported_photo');
    } else {
      if (SIDECAR_EXT.has(ext)) skip(f, 'not_imported_sidecar');
      else read.push(f);
    }
  }
  return { read, notImported };
}
