/**
 * Recognises the coordinate reference system of a Shapefile .prj (ESRI WKT, OGC WKT1 or WKT2)
 * and returns its EPSG code, so PostGIS can reproject with ST_Transform.
 *
 * Order of evidence: an EPSG AUTHORITY/ID on the root element; then the datum (for geographic
 * CRSs) or datum + projection method + parameters (for projected ones). Names alone are not
 * trusted, because ESRI and EPSG spell them differently ("CGCS2000_3_Degree_GK_CM_108E" vs
 * "CGCS2000 / 3-degree Gauss-Kruger CM 108E") while the parameters are the same.
 *
 * Chinese Gauss-Krüger families (all Transverse Mercator, scale 1, false northing 0):
 *
 * | family                    | central meridian | false easting          | CGCS2000  | Xian 1980 | Beijing 1954 |
 * |---------------------------|------------------|------------------------|-----------|-----------|--------------|
 * | 3-degree, CM in name      | 3·n (75…135)     | 500 000                | 4534–4554 | 2370–2390 | 2422–2442    |
 * | 3-degree, zone in name    | 3·zone (25…45)   | zone·1 000 000 + 500 000 | 4513–4533 | 2349–2369 | 2401–2421  |
 * | 6-degree, CM in name      | 6·zone−3 (75…135)| 500 000                | 4502–4512 | 2338–2348 | 21453–21463  |
 * | 6-degree, zone in name    | 6·zone−3 (13…23) | zone·1 000 000 + 500 000 | 4491–4501 | 2327–2337 | 21413–21423 |
 *
 * A 6-degree central meridian (75, 81, …, 135) is also a 3-degree one, and with false easting
 * 500 000 the two definitions are the same projection; the name decides ("3_Degree"/"3-degree"
 * → 3-degree, a bare "GK"/"Gauss-Kruger" → 6-degree), and 3-degree is assumed when the name
 * says neither, since large-scale parcel surveys use 3-degree zones.
 */
import { AppError } from '../../core/errors.ts';

/** A parsed WKT element: keyword and arguments (strings, numbers, nested elements). */
export interface WktNode {
  key: string;
  args: (string | number | WktNode)[];
}

/** Parses WKT text into a tree; throws Error with the offset on malformed input. */
export function parseWkt(text: string): WktNode {
  let i = 0;
  const skip = () => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  const node = (): WktNode => {
    skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!m) throw new AppError('bad_request', `expected a keyword at offset ${i}`);
    i += m[0].length;
    skip();
    const open = text[i];
    if (open !== '[' && open !== '(') return { key: m[0].toUpperCase(), args: [] };
    const close = open === '[' ? ']' : ')';
    i++;
    const args: WktNode['args'] = [];
    for (;;) {
      skip();
      const c = text[i];
      if (c === undefined) throw new AppError('bad_request', `unterminated ${m[0]}`);
      if (c === close) {
        i++;
        break;
      }
      if (c === '"') {
        let s = '';
        i++;
        while (i < text.length) {
          if (text[i] === '"' && text[i + 1] === '"') {
            s += '"';
            i += 2;
          } else if (text[i] === '"') {
            i++;
            break;
          } else s += text[i++];
        }
        args.push(s);
      } else if (/[-+.\d]/.test(c)) {
        const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
        if (!n) throw new AppError('bad_request', `bad number at offset ${i}`);
        i += n[0].length;
        args.push(Number(n[0]));
      } else {
        const child = node();
        // Bare enum words (north, Cartesian) are kept as strings.
        args.push(child.args.length === 0 && !/[[(]/.test(text[i] ?? '') ? child.key.toLowerCase() : child);
      }
    }
    return { key: m[0].toUpperCase(), args };
  };
  const root = node();
  skip();
  if (root.args.length === 0 || i < text.length) throw new AppError('bad_request', `not WKT: expected KEYWORD[...] ${i < text.length ? `, found extra text at offset ${i}` : ''}`);
  return root;
}

const children = (n: WktNode, ...keys: string[]): WktNode[] =>
  n.args.filter((a): a is WktNode => typeof a === 'object' && keys.includes(a.key));
const child = (n: WktNode, ...keys: string[]): WktNode | undefined => children(n, ...keys)[0];
const nameOf = (n: WktNode | undefined): string => (n && typeof n.args[0] === 'string' ? n.args[0] : '');
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** EPSG code from a root-level AUTHORITY["EPSG","n"] (WKT1) or ID["EPSG",n] (WKT2). */
function rootAuthority(n: WktNode): number | null {
  for (const a of children(n, 'AUTHORITY', 'ID')) {
    if (String(a.args[0]).toUpperCase() === 'EPSG' && Number.isInteger(Number(a.args[1]))) return Number(a.args[1]);
  }
  return null;
}

/** Geographic EPSG code of a datum name (ESRI "D_China_2000", OGC "China_2000", WKT2 "China 2000"). */
function datumCode(datumName: string, crsName: string): number | null {
  const d = squash(datumName.replace(/^D_/, '')) + '|' + squash(crsName);
  if (/wgs1984|wgs84/.test(d)) return 4326;
  if (/china2000|cgcs2000/.test(d)) return 4490;
  if (/geocentricdatumofaustralia1994|gda1994|gda94/.test(d)) return 4283;
  if (/northamerican1983|nad83/.test(d)) return 4269;
  if (/xian1980/.test(d)) return 4610;
  if (/beijing1954/.test(d)) return 4214;
  if (/europeanterrestrialreferencesystem1989|etrs1989|etrs89/.test(d)) return 4258;
  return null;
}

/** Gauss-Krüger code bases per geographic datum (see the table in the module comment). */
const GK_BASES: Record<number, { zone3: number; cm3: number; zone6: number; cm6: number }> = {
  4490: { zone3: 4513, cm3: 4534, zone6: 4491, cm6: 4502 },
  4610: { zone3: 2349, cm3: 2370, zone6: 2327, cm6: 2338 },
  4214: { zone3: 2401, cm3: 2422, zone6: 21413, cm6: 21453 },
};

/** Canonical parameter names: WKT1/ESRI and WKT2 spellings → one key. */
function paramKey(name: string): string {
  const s = squash(name);
  if (s === 'centralmeridian' || s === 'longitudeofnaturalorigin' || s === 'longitudeoforigin') return 'cm';
  if (s === 'falseeasting') return 'fe';
  if (s === 'falsenorthing') return 'fn';
  if (s === 'scalefactor' || s === 'scalefactoratnaturalorigin') return 'k';
  if (s === 'latitudeoforigin' || s === 'latitudeofnaturalorigin') return 'lat0';
  if (s === 'standardparallel1' || s === 'latitudeof1ststandardparallel') return 'sp1';
  if (s === 'standardparallel2' || s === 'latitudeof2ndstandardparallel') return 'sp2';
  return s;
}

const near = (a: number | undefined, b: number, tol = 1e-6): boolean => a !== undefined && Math.abs(a - b) <= tol;

function projectedCode(root: WktNode, name: string): number | null {
  const base = child(root, 'GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS');
  if (!base) return null;
  const geo = rootAuthority(base) ?? datumCode(nameOf(child(base, 'DATUM')), nameOf(base));
  const conversion = child(root, 'CONVERSION') ?? root;
  const method = squash(nameOf(child(root, 'PROJECTION')) || nameOf(child(conversion, 'METHOD')));
  const p: Record<string, number> = {};
  for (const par of children(conversion, 'PARAMETER')) {
    if (typeof par.args[1] === 'number') p[paramKey(nameOf(par))] = par.args[1];
  }
  const unit = child(root, 'UNIT', 'LENGTHUNIT');
  if (unit && typeof unit.args[1] === 'number' && !near(unit.args[1], 1)) return null;

  if (/transversemercator|gausskruger/.test(method) && near(p.lat0 ?? 0, 0) && near(p.fn ?? 0, 0)) {
    const cm = p.cm;
    const fe = p.fe;
    if (cm === undefined || fe === undefined) return null;
    const gk = geo !== null ? GK_BASES[geo] : undefined;
    if (gk && near(p.k ?? 1, 1)) {
      const n = squash(name);
      const says3 = /3degree|3deg/.test(n);
      const says6 = !says3 && /gk|gausskruger/.test(n);
      if (near(fe, 500000)) {
        const is3 = Number.isInteger(cm / 3) && cm >= 75 && cm <= 135;
        const is6 = Number.isInteger((cm + 3) / 6) && cm >= 75 && cm <= 135;
        if (is6 && (says6 || !is3)) return gk.cm6 + (cm - 75) / 6;
        if (is3) return gk.cm3 + (cm - 75) / 3;
        return null;
      }
      const zone = Math.round((fe - 500000) / 1e6);
      if (!near(fe, zone * 1e6 + 500000)) return null;
      if (zone >= 25 && zone <= 45 && near(cm, zone * 3)) return gk.zone3 + zone - 25;
      if (zone >= 13 && zone <= 23 && near(cm, zone * 6 - 3)) return gk.zone6 + zone - 13;
      return null;
    }
    if (geo === 4326 && near(p.k, 0.9996) && near(fe, 500000)) {
      const zone = (cm + 183) / 6;
      if (!Number.isInteger(zone) || zone < 1 || zone > 60) return null;
      return (near(p.fn ?? 0, 0) ? 32600 : 32700) + zone;
    }
    return null;
  }
  if (geo === 4326 && /transversemercator/.test(method) && near(p.fn, 10000000) && near(p.k, 0.9996) && near(p.fe, 500000)) {
    const zone = ((p.cm ?? NaN) + 183) / 6;
    if (Number.isInteger(zone) && zone >= 1 && zone <= 60) return 32700 + zone;
  }
  // NAD83 / Massachusetts Mainland (LCC 2SP). Standard parallels may come in either order.
  if (geo === 4269 && /lambertconformalconic/.test(method)) {
    const sps = [p.sp1, p.sp2].sort();
    if (near(p.cm, -71.5) && near(p.fe, 200000) && near(p.fn, 750000) && near(p.lat0, 41) &&
        near(sps[0], 41.716666667, 1e-6) && near(sps[1], 42.683333333, 1e-6)) return 26986;
  }
  return null;
}

/** What matchPrj recognised: the EPSG code and the CRS name written in the .prj. */
export interface PrjMatch {
  epsg: number;
  name: string;
}

/**
 * EPSG code of a .prj WKT, or null when it is not one of the recognised systems (WGS84,
 * CGCS2000 and its Gauss-Krüger zones, Xian 1980 / Beijing 1954 GK, UTM, GDA94, NAD83,
 * NAD83 / Massachusetts Mainland, ETRS89, or anything carrying an EPSG authority).
 * Throws Error when the text is not WKT at all.
 */
export function matchPrj(wkt: string): PrjMatch | null {
  const root = parseWkt(wkt.trim());
  const name = nameOf(root);
  const auth = rootAuthority(root);
  if (auth !== null) return { epsg: auth, name };
  if (['GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS'].includes(root.key)) {
    const code = datumCode(nameOf(child(root, 'DATUM')), name);
    return code === null ? null : { epsg: code, name };
  }
  if (root.key === 'PROJCS' || root.key === 'PROJCRS') {
    const code = projectedCode(root, name);
    return code === null ? null : { epsg: code, name };
  }
  return null;
}
