/** Parsing of the CRS option users give (`--crs`, form field `crs`). */
import type { SourceCrs } from '../types.ts';
import { BadParameterError } from '../../core/errors.ts';

/** Thrown for an unusable CRS option; names the value. */
/** Parse `EPSG:n` (or a bare code), `gcj02`/`gcj-02`, `bd09`/`bd-09`; undefined when empty. */
export function parseCrs(raw: string | undefined): SourceCrs | undefined {
  if (!raw) return undefined;
  const v = raw.trim();
  if (/^epsg:\d{4,6}$/i.test(v)) return `EPSG:${v.split(':')[1]}` as SourceCrs;
  if (/^\d{4,6}$/.test(v)) return `EPSG:${v}` as SourceCrs;
  if (/^gcj-?02$/i.test(v)) return 'gcj02';
  if (/^bd-?09$/i.test(v)) return 'bd09';
  throw new BadParameterError('crs', raw, 'must be EPSG:<code>, gcj02 or bd09');
}
