/**
 * Entry point of the format readers: routes uploaded files to the right reader by extension,
 * or by content when the extension says nothing (zip magic, XML root, JSON).
 *
 * | input                                         | reader                 | results            |
 * |-----------------------------------------------|------------------------|--------------------|
 * | .geojson .json .geojsonl .geojsons .ndjson    | geojson.reader.ts      | 1                  |
 * | .zip with .shp; loose .shp+.dbf+.prj… by name | shapefile.reader.ts    | 1 per layer        |
 * | .zip with .kml only, .kmz, .kml               | kml.reader.ts          | 1                  |
 * | .gpx, .tcx                                    | gpx.reader.ts          | 1                  |
 * | .csv, .txt, .tsv                              | csv.reader.ts          | 1                  |
 * | .srt (DJI flight telemetry)                   | srt.reader.ts          | 1 (one track)      |
 * | photos (.jpg .jpeg .tif .tiff .heic .heif .png) | none: see isPhoto; survey-import/photos/ reads them | 0 |
 *
 * Conventions shared by every reader: `ReadItem.index` and `ItemIssue.index` are 0-based;
 * `where` is 1-based and human ("feature 1" is the first feature, "row 1" the first data row
 * under the header, "wpt 2" the second waypoint). Coordinates stay in the source CRS named by
 * `ReadResult.crs`; reprojection happens later in PostGIS.
 */
import { ReadError, type InputFile, type ReadResult } from '../types.ts';
import { basenameOf, extensionOf } from './common.ts';
import { readCsv, type CsvOptions } from './csv.reader.ts';
import { GEOJSON_SEQ_EXTENSIONS, isGeoJsonSeq, readGeoJson, readGeoJsonSeqChunks, type ReadChunk } from './geojson.reader.ts';
import { readGpx } from './gpx.reader.ts';
import { readKml } from './kml.reader.ts';
import { readShapefile, SHAPEFILE_PARTS } from './shapefile.reader.ts';
import { isSrtName, readSrt } from './srt.reader.ts';
import { looksLikeDjiSrt } from '../photos/dji-srt.ts';
import { isZip, listZip } from './zip.ts';
import { checkReadLimits } from './limits.ts';

export { readCsv, readGeoJson, readGpx, readKml, readShapefile };
export type { CsvOptions, ReadChunk };

/** Extensions handled by the photo pipeline (survey-import/photos/), not by these readers. */
export const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'tif', 'tiff', 'heic', 'heif', 'png'];

/** Every extension readFiles accepts, for messages and upload forms. */
export const SUPPORTED_EXTENSIONS = [
  'geojson', 'json', ...GEOJSON_SEQ_EXTENSIONS, 'zip', 'shp', 'shx', 'dbf', 'prj', 'cpg', 'kml', 'kmz', 'gpx', 'tcx', 'csv', 'txt', 'tsv', 'srt',
];

/** True for photo files that readFiles leaves to the photo pipeline. */
export function isPhoto(name: string): boolean {
  return PHOTO_EXTENSIONS.includes(extensionOf(name));
}

/** Reads one non-Shapefile file by extension, falling back to its content. */
function readOne(file: InputFile, opts: CsvOptions): ReadResult {
  const ext = extensionOf(file.name);
  if (ext === 'geojson' || ext === 'json' || GEOJSON_SEQ_EXTENSIONS.includes(ext)) return readGeoJson(file, opts);
  if (ext === 'kml' || ext === 'kmz') return readKml(file, opts);
  if (ext === 'gpx' || ext === 'tcx') return readGpx(file, opts);
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv') return readCsv(file, opts);
  if (isSrtName(file.name)) return readSrt(file);
  // Unknown extension: look at the first characters.
  const head = new TextDecoder('utf-8').decode(file.bytes.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) {
    if (/<(\w+:)?kml[\s>]/.test(head)) return readKml(file, opts);
    if (/<(\w+:)?(gpx|TrainingCenterDatabase)[\s>]/.test(head)) return readGpx(file, opts);
  }
  if (head.startsWith('{') || head.startsWith('\x1e')) return readGeoJson(file, opts);
  if (looksLikeDjiSrt(head)) return readSrt(file);
  throw new ReadError(file.name, `unsupported file type ${ext ? `".${ext}"` : '(no extension)'}; supported: ${SUPPORTED_EXTENSIONS.map((e) => '.' + e).join(' ')}, and photos via the photo import`);
}

/**
 * Reads every uploaded file and returns one ReadResult per logical file: per GeoJSON/KML/GPX/
 * CSV file, per Shapefile layer (loose parts grouped by base name, zips opened). Photos are
 * skipped (route them with isPhoto). Throws the first ReadError (file named in the message).
 */
export async function readFiles(files: InputFile[], opts: CsvOptions = {}): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  const looseShapefile: InputFile[] = [];
  for (const file of files) {
    if (isPhoto(file.name)) continue;
    const ext = extensionOf(file.name);
    if (SHAPEFILE_PARTS.includes(ext) && ext !== 'xml') {
      looseShapefile.push(file);
    } else if (ext === 'zip' || (ext !== 'kmz' && isZip(file.bytes))) {
      const names = listZip(file.name, file.bytes);
      const hasShp = names.some((n) => extensionOf(n) === 'shp');
      if (!hasShp && names.some((n) => extensionOf(n) === 'kml')) results.push(readKml(file, opts));
      else results.push(...(await readShapefile([file], opts)));
    } else {
      results.push(readOne(file, opts));
    }
  }
  if (looseShapefile.length) {
    // Group by base name so "a.shp + a.dbf" and "b.shp + b.dbf" become two layers.
    const groups = new Map<string, InputFile[]>();
    for (const f of looseShapefile) {
      const key = basenameOf(f.name).toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const group of groups.values()) results.push(...(await readShapefile(group, opts)));
  }
  return results;
}

/**
 * readFiles for the import pipeline, in parts: a GeoJSONSeq file arrives in chunks of at most
 * `chunkItems` features (read while the previous chunk is being staged), every other file as one
 * part, read by readFiles after the sequences. `part` 0 is the first part of a file. Every part
 * meets the per-feature limits of limits.ts (else a ReadError naming file, feature and field).
 */
export async function* readFileChunks(files: InputFile[], opts: CsvOptions = {}, chunkItems = 5000): AsyncGenerator<ReadChunk> {
  const others: InputFile[] = [];
  for (const file of files) {
    if (isGeoJsonSeq(file)) {
      for (const chunk of readGeoJsonSeqChunks(file, opts, chunkItems)) {
        checkReadLimits(chunk);
        yield chunk;
        // Let the socket flush the previous chunk's statement while this one is parsed.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      others.push(file);
    }
  }
  for (const r of others.length ? await readFiles(others, opts) : []) {
    checkReadLimits(r);
    yield { ...r, part: 0 };
  }
}
