/**
 * DJI video telemetry (.SRT subtitles) as a GPS track: one LineString [lon, lat, altitude] per file,
 * with the time of every point. Parsing of the cues is survey-import/photos/dji-srt.ts (the GPS
 * tuple is lon, lat, alt).
 *
 * | property   | value                                                                        |
 * |------------|------------------------------------------------------------------------------|
 * | source     | `dji-srt`                                                                    |
 * | pointCount | telemetry samples with a GPS fix                                             |
 * | times_ms   | start of each sample's cue from the start of the video, ms                   |
 * | startTime / endTime | RFC 3339 when the cues carry a date (newer firmware), else null     |
 * | durationS  | last cue end − first cue start, s                                            |
 * | minEle / maxEle | GPS altitude range, m                                                   |
 * | altitudes_m | GPS altitude per sample, m (the stored line is 2D, like every staged geometry) |
 * | heights_m  | height above take-off per sample (`H` / `rel_alt`), when given               |
 */
import type { Position } from 'geojson';
import { parseDjiSrt } from '../photos/dji-srt.ts';
import type { InputFile, ReadResult } from '../types.ts';

/** A DJI cue's date-time (`2023-05-01 10:20:30.123` or `…,123`), read as China Standard Time. */
const CUE_DATE = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?/;

/** True for a file the SRT reader takes (by extension). */
export function isSrtName(name: string): boolean {
  return /\.srt$/i.test(name);
}

/** Reads one DJI telemetry SRT into a single track item; cue problems name the cue. */
export function readSrt(file: InputFile): ReadResult {
  const text = new TextDecoder('utf-8').decode(file.bytes);
  const track = parseDjiSrt(text, file.name);
  const pts = track.points;
  const result: ReadResult = { items: [], crs: 'EPSG:4326', crsSource: 'DJI telemetry: WGS84 longitude, latitude, altitude', warnings: track.warnings, errors: track.errors };
  if (pts.length === 0) {
    result.errors.push({ file: file.name, index: null, field: 'GPS', message: `${file.name}: no GPS telemetry in any cue` });
    return result;
  }
  // Absolute times only when the cues carry a date; the subtitle clock is relative to the video.
  const cues = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((c) => c.trim()).filter(Boolean);
  const dated = (i: number): string | null => {
    const m = CUE_DATE.exec(cues[i] ?? '');
    if (!m) return null;
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '0').padEnd(3, '0')}+08:00`;
    return Number.isNaN(Date.parse(iso)) ? null : new Date(iso).toISOString();
  };
  const alts = pts.map((p) => p.altitude).filter((a): a is number => a !== null);
  const coordinates: Position[] = pts.map((p) => [p.lon, p.lat]);
  // A LineString needs two positions: a single sample (or a hovering drone) repeats its point.
  if (coordinates.length === 1) coordinates.push([...coordinates[0]]);
  const first = pts[0];
  const last = pts[pts.length - 1];
  result.items.push({
    file: file.name,
    index: 0,
    where: `track 1 (${pts.length} telemetry samples)`,
    kind: 'track',
    geometry: { type: 'LineString', coordinates },
    properties: {
      name: file.name.replace(/\.srt$/i, ''),
      source: 'dji-srt',
      pointCount: pts.length,
      times_ms: pts.map((p) => p.startMs),
      startTime: dated(first.index),
      endTime: dated(last.index),
      durationS: (last.endMs - first.startMs) / 1000,
      minEle: alts.length ? Math.min(...alts) : null,
      maxEle: alts.length ? Math.max(...alts) : null,
      altitudes_m: alts.length ? pts.map((p) => p.altitude) : null,
      heights_m: pts.some((p) => p.height !== null) ? pts.map((p) => p.height) : null,
    },
  });
  return result;
}
