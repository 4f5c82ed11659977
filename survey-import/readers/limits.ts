/**
 * Per-feature limits every reader's output must meet before anything is staged. A file that
 * breaks one is refused whole (400) with a message naming the file, the feature, the field and
 * the value, so a 50 MB name or a million-point track never reaches the database. Text with a
 * NUL character (which PostgreSQL cannot store) is refused the same way.
 *
 * | limit                     | value     | why                                                   |
 * |---------------------------|-----------|-------------------------------------------------------|
 * | `maxAttributeChars`       | 65 536    | a name, code or remark; longer is a mistake or attack |
 * | `maxAttributes`           | 1 000     | columns per feature (a DBF allows 255)                |
 * | `maxFieldNameChars`       | 256       | attribute names                                       |
 * | `maxVertices`             | 200 000   | per feature: a 1 Hz GPS day is 86 400 points          |
 */
import type { Geometry } from 'geojson';
import { ReadError, type ReadResult } from '../types.ts';

/** Limits of {@link checkReadLimits}; see the table above. */
export interface FeatureLimits {
  maxAttributeChars: number;
  maxAttributes: number;
  maxFieldNameChars: number;
  maxVertices: number;
}

/** The limits survey imports use. */
export const FEATURE_LIMITS: FeatureLimits = {
  maxAttributeChars: 65_536,
  maxAttributes: 1_000,
  maxFieldNameChars: 256,
  maxVertices: 200_000,
};

/** A long value shortened for a message: its first characters and its length. */
function preview(s: string): string {
  return s.length > 40 ? `${JSON.stringify(s.slice(0, 40))}… (${s.length.toLocaleString('en')} characters)` : JSON.stringify(s);
}

/** Vertices of a geometry, counting no further than `stop`. */
export function countVertices(g: Geometry | null, stop = Infinity): number {
  if (!g) return 0;
  if (g.type === 'GeometryCollection') {
    let n = 0;
    for (const c of g.geometries ?? []) {
      n += countVertices(c, stop - n);
      if (n > stop) break;
    }
    return n;
  }
  let n = 0;
  const walk = (c: unknown): void => {
    if (n > stop || !Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      n++;
      return;
    }
    for (const x of c) walk(x);
  };
  walk((g as { coordinates?: unknown }).coordinates);
  return n;
}

/** The first text in a value (strings, nested in objects and arrays) that `bad` picks, or null. */
function findText(v: unknown, bad: (s: string) => boolean, depth = 0): string | null {
  if (typeof v === 'string') return bad(v) ? v : null;
  if (depth > 32 || v === null || typeof v !== 'object') return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (bad(k)) return k;
    const s = findText(x, bad, depth + 1);
    if (s !== null) return s;
  }
  return null;
}

/**
 * Throws a ReadError (400) for the first item of `result` that breaks `limits`, naming the file,
 * the item ("feature 3", "row 17", "trk 1"), the field and the value.
 */
export function checkReadLimits(result: ReadResult, limits: FeatureLimits = FEATURE_LIMITS): void {
  for (const item of result.items) {
    const where = item.where;
    const keys = Object.keys(item.properties);
    if (keys.length > limits.maxAttributes) {
      throw new ReadError(item.file, `${where}: ${keys.length} attributes, more than the limit of ${limits.maxAttributes}`);
    }
    for (const k of keys) {
      if (k.length > limits.maxFieldNameChars) {
        throw new ReadError(item.file, `${where}: attribute name ${preview(k)} is longer than the limit of ${limits.maxFieldNameChars} characters`);
      }
      const long = findText(item.properties[k], (t) => t.length > limits.maxAttributeChars);
      if (long !== null) {
        throw new ReadError(item.file, `${where}: field "${k}" value ${preview(long)} is longer than the limit of ${limits.maxAttributeChars.toLocaleString('en')} characters`);
      }
      // PostgreSQL text and jsonb cannot hold U+0000.
      const nul = k.includes('\0') ? k : findText(item.properties[k], (t) => t.includes('\0'));
      if (nul !== null) {
        throw new ReadError(item.file, `${where}: field ${JSON.stringify(k)} value ${preview(nul)} contains a NUL character (U+0000)`);
      }
    }
    const vertices = countVertices(item.geometry, limits.maxVertices);
    if (vertices > limits.maxVertices) {
      throw new ReadError(item.file, `${where}: field "geometry" has more than ${limits.maxVertices.toLocaleString('en')} vertices, the limit per feature`);
    }
  }
}
