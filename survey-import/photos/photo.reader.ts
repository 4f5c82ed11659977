/**
 * Photo reader for survey import: drone, phone and panorama photos (+ DJI video telemetry SRT).
 *
 * For every image: check it decodes (thumbnail.ts), read its metadata (exif.ts), decide whether
 * it is a 360° panorama (panorama.ts) and compute its ground footprint (footprint.ts).
 *
 * | situation                               | outcome                                                   |
 * |-----------------------------------------|-----------------------------------------------------------|
 * | no usable GPS                           | kept, warning `no location` (never placed at 0,0)         |
 * | HEIC the platform cannot decode         | kept, warning `no thumbnail: HEIC decoding not available` |
 * | bad metadata value (NaN, out of range)  | kept, value dropped, warning naming the tag and value     |
 * | not an image / corrupt / truncated      | error naming the file; nothing else from that file        |
 * | no footprint (no height, looks at sky…) | kept, `footprint: null` with `footprintReason`           |
 * | `.srt` DJI telemetry                    | `telemetry` track of points (GPS tuple is lon, lat, alt)  |
 *
 * Thumbnails are not made here (makeDerivatives is a later, re-runnable step).
 */
import type { Polygon } from 'geojson';
import type { InputFile, ItemIssue } from '../types.ts';
import { looksLikeDjiSrt, parseDjiSrt, type TelemetryTrack } from './dji-srt.ts';
import { readPhotoMeta, type PhotoMeta } from './exif.ts';
import { footprintFromMeta, type FootprintOptions } from './footprint.ts';
import { detectPanorama } from './panorama.ts';
import { ImageDecodeError, probeImage, verifyDecodable } from './thumbnail.ts';

/** One photo that was read. */
export interface PhotoRecord {
  file: string;
  meta: PhotoMeta;
  isPanorama: boolean;
  /** Why it is (or is not) a panorama. */
  panoramaReason: string;
  /** View direction 0..360 (panorama: centre column), or null. */
  heading: number | null;
  headingSource: string | null;
  /** Ground footprint in WGS84, or null (see footprintReason). */
  footprint: Polygon | null;
  footprintReason?: string;
}

/** Everything read from a batch of files. */
export interface ReadPhotosResult {
  photos: PhotoRecord[];
  /** DJI video telemetry tracks from .srt files. */
  telemetry: TelemetryTrack[];
  errors: ItemIssue[];
  warnings: ItemIssue[];
}

/** Options of {@link readPhotos}. */
export interface ReadPhotosOptions {
  /** Decode every image at low resolution to catch truncated files (default true). */
  verifyPixels?: boolean;
  /** Horizon/distance cap of footprints. */
  footprint?: FootprintOptions;
}

/** Reads photos and DJI telemetry; never throws for bad input, reports it per file instead. */
export async function readPhotos(files: InputFile[], options: ReadPhotosOptions = {}): Promise<ReadPhotosResult> {
  const result: ReadPhotosResult = { photos: [], telemetry: [], errors: [], warnings: [] };
  for (const f of files) {
    if (isSrt(f)) {
      const track = parseDjiSrt(new TextDecoder('utf-8').decode(f.bytes), f.name);
      result.telemetry.push(track);
      result.errors.push(...track.errors);
      result.warnings.push(...track.warnings);
      if (track.points.length === 0 && track.errors.length === 0) {
        result.warnings.push({ file: f.name, index: null, message: `${f.name}: subtitle file has no GPS telemetry` });
      }
      continue;
    }
    const photo = await readOne(f, options, result);
    if (photo) result.photos.push(photo);
  }
  return result;
}

async function readOne(f: InputFile, options: ReadPhotosOptions, out: ReadPhotosResult): Promise<PhotoRecord | null> {
  const file = f.name;
  try {
    const probe = await probeImage(f.bytes, file);
    if (options.verifyPixels !== false) {
      const { warning } = await verifyDecodable(f.bytes, file, probe);
      if (warning) out.warnings.push({ file, index: null, field: 'image', value: probe.format, message: `${file}: ${warning}` });
    }
    const meta = await readPhotoMeta(f.bytes, file);
    if (meta.width === null || meta.height === null) Object.assign(meta, { width: probe.width, height: probe.height });
    for (const w of meta.warnings) out.warnings.push({ file, index: null, field: 'metadata', message: w });
    if (meta.lat === null || meta.lon === null) {
      out.warnings.push({ file, index: null, field: 'GPSLatitude', value: null, message: `${file}: no location (no usable GPS position in EXIF or DJI XMP); photo kept without a map position` });
    }

    const pano = detectPanorama(meta);
    const fp = pano.isPanorama ? { polygon: null, reason: `${file}: 360° panorama, no ground footprint` } : footprintFromMeta(meta, options.footprint);
    return {
      file,
      meta,
      isPanorama: pano.isPanorama,
      panoramaReason: pano.reason,
      heading: pano.heading,
      headingSource: pano.headingSource,
      footprint: fp.polygon,
      ...(fp.polygon === null ? { footprintReason: fp.reason } : {}),
    };
  } catch (err) {
    const message = err instanceof ImageDecodeError ? err.message : `${file}: cannot read photo: ${err instanceof Error ? err.message : String(err)}`;
    out.errors.push({ file, index: null, field: 'image', message });
    return null;
  }
}

function isSrt(f: InputFile): boolean {
  if (/\.srt$/i.test(f.name)) return true;
  // Uploads sometimes lose their extension: sniff the start of small text files.
  if (f.bytes.length > 2_000_000 || f.bytes[0] === 0xff) return false;
  return looksLikeDjiSrt(new TextDecoder('utf-8', { fatal: false }).decode(f.bytes.subarray(0, 4096)));
}
