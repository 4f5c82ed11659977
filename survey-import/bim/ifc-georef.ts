/**
 * IFC georeference from the STEP text itself (no web-ifc needed): the first IFCSITE's RefLatitude,
 * RefLongitude and RefElevation. IfcCompoundPlaneAngleMeasure is (degrees, minutes, seconds
 * [, millionths of a second]), every part carrying the sign; `$` means absent. Out-of-range or
 * (0, 0) references are dropped, not propagated (Revit writes 0,0 when no location is set).
 */

/** Where an IfcSite says it is. */
export interface IfcSiteReference {
  lat: number;
  lon: number;
  /** RefElevation in the file's length unit (usually metres), or null. */
  elevation: number | null;
}

/** Converts a compound angle (d, m, s, µs) to decimal degrees. */
export function compoundAngleToDegrees(parts: readonly number[]): number {
  const [d = 0, m = 0, s = 0, us = 0] = parts;
  return d + m / 60 + (s + us / 1e6) / 3600;
}

/** Splits the top-level comma-separated attributes of a STEP entity's argument list. */
export function splitStepArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let cur = '';
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if (inString) {
      cur += ch;
      if (ch === "'") {
        if (args[i + 1] === "'") cur += args[++i];
        else inString = false;
      }
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length) out.push(cur.trim());
  return out;
}

function parseAngle(raw: string | undefined): number | null {
  if (!raw || raw === '$' || raw === '*') return null;
  const m = /^\(([^)]*)\)$/.exec(raw);
  if (!m) return null;
  const parts = m[1].split(',').map((s) => Number(s.trim()));
  if (parts.length < 3 || parts.some((n) => !Number.isFinite(n))) return null;
  return compoundAngleToDegrees(parts);
}

/** The IfcSite reference of an IFC (STEP) file, or null when it has none. */
export function ifcSiteReference(ifc: Uint8Array | string): IfcSiteReference | null {
  const text = typeof ifc === 'string' ? ifc : new TextDecoder('latin1').decode(ifc);
  const re = /#\d+\s*=\s*IFCSITE\s*\(/gi;
  const m = re.exec(text);
  if (!m) return null;
  // The entity ends at ");" outside strings: scan with the arg splitter's rules.
  let depth = 1;
  let inString = false;
  let i = m.index + m[0].length;
  const start = i;
  for (; i < text.length && depth > 0; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
    } else if (ch === "'") inString = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
  }
  const args = splitStepArgs(text.slice(start, i - 1));
  // IfcSite: GlobalId, OwnerHistory, Name, Description, ObjectType, ObjectPlacement, Representation,
  // LongName, CompositionType, RefLatitude (9), RefLongitude (10), RefElevation (11), …
  const lat = parseAngle(args[9]);
  const lon = parseAngle(args[10]);
  if (lat === null || lon === null) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
  const elev = args[11] && args[11] !== '$' ? Number(args[11]) : null;
  return { lat, lon, elevation: elev !== null && Number.isFinite(elev) ? elev : null };
}

/** FILE_SCHEMA of an IFC file, e.g. "IFC4", or null. */
export function ifcSchemaOf(ifc: Uint8Array | string): string | null {
  const text = typeof ifc === 'string' ? ifc : new TextDecoder('latin1').decode(ifc.subarray(0, 8192));
  return /FILE_SCHEMA\s*\(\s*\(\s*'([^']+)'/i.exec(text)?.[1]?.toUpperCase() ?? null;
}
