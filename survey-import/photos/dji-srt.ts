/**
 * DJI video telemetry subtitles (.SRT) → positioned points.
 *
 * Two dialects are understood:
 *
 * | firmware (examples)            | cue text                                                          |
 * |--------------------------------|-------------------------------------------------------------------|
 * | Phantom 4, Mavic Pro           | `… GPS (-82.6669, 27.7716, 10), D 2.80m, H 0.00m, …`              |
 * | Mavic 2/3, Air 2, Mini         | `… [latitude: 27.7716] [longitude: -82.6669] [rel_alt: 10.0 abs_alt: 30.2] …` |
 *
 * The `GPS (a, b, c)` tuple is **(longitude, latitude, altitude)**: read as (lat, lon) the
 * fixture's St. Petersburg, Florida lands in the Indian Ocean. Cues at (0, 0) — written before
 * GPS lock — are skipped with a warning.
 */
import type { ItemIssue } from '../types.ts';

/** One telemetry sample. */
export interface TelemetryPoint {
  /** 0-based cue index in the file. */
  index: number;
  /** Cue start/end from the start of the video, ms. */
  startMs: number;
  endMs: number;
  lat: number;
  lon: number;
  /** GPS / absolute altitude, metres, when given. */
  altitude: number | null;
  /** Height above take-off (`H` or `rel_alt`), metres, when given. */
  height: number | null;
  /** Horizontal distance from home (`D`), metres, when given. */
  distance: number | null;
}

/** Points and per-cue problems of one SRT file. */
export interface TelemetryTrack {
  file: string;
  points: TelemetryPoint[];
  warnings: ItemIssue[];
  errors: ItemIssue[];
}

const TIME_RE = /^(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})/;
const NUM = '([+-]?\\d+(?:\\.\\d+)?)';
const GPS_TUPLE_RE = new RegExp(`GPS\\s*\\(\\s*${NUM}\\s*,\\s*${NUM}\\s*(?:,\\s*${NUM})?\\s*\\)`, 'i');
const bracket = (key: string) => new RegExp(`\\b${key}\\s*:\\s*${NUM}`, 'i');

/** True when the text looks like a DJI telemetry SRT (a cue time line plus GPS data). */
export function looksLikeDjiSrt(text: string): boolean {
  return /-->/.test(text) && (GPS_TUPLE_RE.test(text) || /\blatitude\s*:/i.test(text));
}

/** Parses a DJI telemetry SRT. Never throws; bad cues become errors/warnings naming the cue. */
export function parseDjiSrt(text: string, file: string): TelemetryTrack {
  const track: TelemetryTrack = { file, points: [], warnings: [], errors: [] };
  const cues = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((c) => c.trim()).filter(Boolean);
  cues.forEach((cue, index) => {
    const where = `cue ${index + 1}`;
    const lines = cue.split('\n');
    const timeLine = lines.findIndex((l) => TIME_RE.test(l));
    if (timeLine < 0) {
      track.errors.push({ file, index, where, field: 'time', value: lines[0], message: `${file} ${where}: no "hh:mm:ss,mmm --> hh:mm:ss,mmm" time line` });
      return;
    }
    const t = TIME_RE.exec(lines[timeLine])!;
    const ms = (h: string, m: string, s: string, f: string) => ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f.padEnd(3, '0'));
    const body = lines.slice(timeLine + 1).join(' ').replace(/<[^>]+>/g, ' ');

    let lat: number | null = null;
    let lon: number | null = null;
    let altitude: number | null = null;
    let height: number | null = null;
    const tuple = GPS_TUPLE_RE.exec(body);
    if (tuple) {
      // DJI order: (longitude, latitude, altitude).
      [lon, lat] = [Number(tuple[1]), Number(tuple[2])];
      altitude = tuple[3] !== undefined ? Number(tuple[3]) : null;
      height = numberAfter(body, /\bH\s+([+-]?\d+(?:\.\d+)?)\s*m/i);
    } else {
      lat = numberAfter(body, bracket('latitude'));
      lon = numberAfter(body, bracket('longitude')) ?? numberAfter(body, bracket('longtitude'));
      altitude = numberAfter(body, bracket('abs_alt')) ?? numberAfter(body, bracket('altitude'));
      height = numberAfter(body, bracket('rel_alt'));
    }
    if (lat === null || lon === null) {
      track.errors.push({ file, index, where, field: 'GPS', value: body.slice(0, 120), message: `${file} ${where}: no GPS position found in cue text` });
      return;
    }
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      track.errors.push({ file, index, where, field: 'GPS', value: [lon, lat], message: `${file} ${where}: GPS (lon ${lon}, lat ${lat}) is out of range` });
      return;
    }
    if (lat === 0 && lon === 0) {
      track.warnings.push({ file, index, where, field: 'GPS', value: [0, 0], message: `${file} ${where}: GPS 0,0 (no fix yet), skipped` });
      return;
    }
    track.points.push({
      index,
      startMs: ms(t[1], t[2], t[3], t[4]),
      endMs: ms(t[5], t[6], t[7], t[8]),
      lat,
      lon,
      altitude,
      height,
      distance: numberAfter(body, /\bD\s+([+-]?\d+(?:\.\d+)?)\s*m/i),
    });
  });
  return track;
}

function numberAfter(text: string, re: RegExp): number | null {
  const m = re.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}
