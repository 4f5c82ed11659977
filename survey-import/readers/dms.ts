/**
 * Parses one coordinate written as decimal degrees or degrees-minutes-seconds, as found in
 * survey spreadsheets: "107.5", "-44.69", "23°N", "26°W", "40° 11′", "40° 11' 15\"",
 * "107°30'15.5\"E", "N 31°12.5'", "北纬30°45′", "东经107度30分15秒", "E107.5".
 *
 * Accepted marks: ° 度 for degrees; ' ′ ’ 分 for minutes; " ″ ” '' 秒 for seconds.
 * Hemisphere: N/S/E/W (before or after), 北纬/南纬/东经/西经 or 北/南/东/西 prefixes; S and W
 * (南, 西) make the value negative.
 */

/** A parsed coordinate: decimal degrees and which axis its hemisphere letter implies. */
export interface ParsedCoordinate {
  value: number;
  /** 'lat' for N/S, 'lon' for E/W, null when no hemisphere was written. */
  axis: 'lat' | 'lon' | null;
}

const HEMI: Record<string, { sign: 1 | -1; axis: 'lat' | 'lon' }> = {
  n: { sign: 1, axis: 'lat' }, s: { sign: -1, axis: 'lat' }, e: { sign: 1, axis: 'lon' }, w: { sign: -1, axis: 'lon' },
  北纬: { sign: 1, axis: 'lat' }, 南纬: { sign: -1, axis: 'lat' }, 东经: { sign: 1, axis: 'lon' }, 西经: { sign: -1, axis: 'lon' },
  北: { sign: 1, axis: 'lat' }, 南: { sign: -1, axis: 'lat' }, 东: { sign: 1, axis: 'lon' }, 西: { sign: -1, axis: 'lon' },
};

/** Parses `raw`; returns null when it is not a coordinate (the caller reports the value). */
export function parseCoordinate(raw: string): ParsedCoordinate | null {
  let s = raw.trim();
  if (s === '') return null;
  let hemi: (typeof HEMI)[string] | undefined;
  const prefix = /^(北纬|南纬|东经|西经|[北南东西]|[NSEW](?![a-z]))\s*/i.exec(s);
  if (prefix) {
    hemi = HEMI[prefix[1]!.toLowerCase()];
    s = s.slice(prefix[0].length);
  }
  const suffix = /\s*([NSEW])$/i.exec(s);
  if (suffix) {
    if (hemi) return null; // two hemisphere marks
    hemi = HEMI[suffix[1]!.toLowerCase()];
    s = s.slice(0, s.length - suffix[0].length);
  }
  s = s
    .replace(/度/g, '°')
    .replace(/''|″|”|秒/g, '"')
    .replace(/[′’分]/g, "'")
    .trim();
  let value: number;
  if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) {
    value = Number(s);
  } else {
    const m = /^([-+]?\d+(?:\.\d+)?)\s*°\s*(?:(\d+(?:\.\d+)?)\s*'?\s*)?(?:(\d+(?:\.\d+)?)\s*"?\s*)?$/.exec(s) ??
      /^([-+]?\d+(?:\.\d+)?)\s*°?\s+(\d+(?:\.\d+)?)\s*'\s*(?:(\d+(?:\.\d+)?)\s*"?\s*)?$/.exec(s);
    if (!m) return null;
    const deg = Number(m[1]);
    const min = m[2] === undefined ? 0 : Number(m[2]);
    const sec = m[3] === undefined ? 0 : Number(m[3]);
    if (min >= 60 || sec >= 60) return null;
    const abs = Math.abs(deg) + min / 60 + sec / 3600;
    value = m[1]!.startsWith('-') ? -abs : abs;
  }
  if (!Number.isFinite(value)) return null;
  if (hemi) value = Math.abs(value) * hemi.sign;
  return { value, axis: hemi?.axis ?? null };
}
