/**
 * Independent brute-force computations of the statistics dashboard's figures, for the API and
 * browser tests: carriers read through the features API (what the viewer may see) and aggregated
 * in JS; the monthly inventory replayed backwards from the current rows through every history entry
 * (read with plain SELECTs); freshness and enquiries aggregated in JS from plain SELECTs.
 */
import type pg from 'pg';
import { api } from './helpers.ts';

/** A carrier as the features API shows it. */
export interface Carrier {
  id: number; kind: string; county: string; park: number | null; status: string; area: number; floorArea: number;
  price: number | null; unit: string | null; landUse: string | null; intensity: number | null;
}

const KIND = { land: 'land', factories: 'factory', offices: 'office' } as const;

/** Every carrier the viewer (`cookie`, or the public) may see, through /api/layers/{layer}/features. */
export async function carriersVia(cookie?: string): Promise<Carrier[]> {
  const out: Carrier[] = [];
  for (const [layer, kind] of Object.entries(KIND)) {
    const res = await api(`/api/layers/${layer}/features?limit=10000`, { cookie });
    if (res.status !== 200) throw new Error(`features ${layer}: ${res.status}`);
    const fc = await res.json() as { features: { id: number; properties: Record<string, any> }[] };
    for (const f of fc.features) {
      const p = f.properties;
      out.push({
        id: Number(f.id), kind, county: p.county, park: p.park_id ?? null, status: p.status, area: p.area_m2 ?? 0, floorArea: p.floor_area_m2 ?? 0,
        price: p.price ?? null, unit: p.price_unit ?? null, landUse: p.land_use ?? null, intensity: p.investment_intensity_wan_per_mu ?? null,
      });
    }
  }
  return out;
}

/** Filters as the API takes them. */
export interface Filters { county?: string[]; park?: number[]; type?: string[]; status?: string[] }

export const applyFilters = (cs: Carrier[], f: Filters) => cs.filter((c) =>
  (!f.county || f.county.includes(c.county)) && (!f.park || (c.park !== null && f.park.includes(c.park)))
  && (!f.type || f.type.includes(c.kind)) && (!f.status || f.status.includes(c.status)));

/** Sum of `v` per key. */
export function groupSum<T>(xs: T[], key: (x: T) => string, v: (x: T) => number): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + v(x));
  return m;
}

/** 标准地 class of a land parcel by its investment-intensity threshold (万元/亩). */
export const stdClass = (i: number | null) => (i === null ? 'none' : i < 200 ? 'lt200' : i < 300 ? '200to300' : 'ge300');

/** Linear-interpolated percentile, as percentile_cont. */
export function percentile(sorted: number[], p: number): number {
  const x = (sorted.length - 1) * p;
  const lo = Math.floor(x);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (x - lo);
}

/** Month-end state of every carrier, replayed backwards from the current rows through the history. */
export async function inventoryBrute(pool: pg.Pool, months: string[], seesUnpublished: boolean, f: Filters) {
  const cur = (await pool.query(`SELECT id::int, kind, status, review_state, county_adcode, park_id::int, area_m2, created_at FROM carriers`)).rows;
  const hist = (await pool.query(`
    SELECT feature_id::int AS id, id AS hid, at, before, after,
           CASE WHEN before_geom IS NULL THEN NULL ELSE ST_Area(ST_Transform(before_geom, 4545)) END AS before_area
    FROM feature_history WHERE applied AND layer IN ('land', 'factories', 'offices') ORDER BY at DESC, id DESC`)).rows;
  const out = new Map<string, { count: number; availableCount: number; availableAreaM2: number }>();
  for (const month of months) {
    const [y, m] = month.split('-').map(Number);
    const end = new Date(Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1));
    // Start from now and undo every entry at or after the month's end, newest first.
    const rows = new Map<number, Record<string, any> | null>(cur.map((r) => [r.id, { ...r, area: r.area_m2 }]));
    for (const h of hist) {
      if (new Date(h.at) < end) continue;
      const row = rows.get(h.id) ?? null;
      if (h.before === null && h.after && 'id' in h.after) rows.set(h.id, null); // its insert: it did not exist yet
      else if (h.after === null && h.before && 'id' in h.before) rows.set(h.id, { ...h.before, area: h.before_area }); // deleted later
      else if (row) rows.set(h.id, { ...row, ...(h.before ?? {}), ...(h.before_area !== null ? { area: h.before_area } : {}) });
    }
    for (const [id, r] of rows) {
      if (!r) continue;
      const noHistory = !hist.some((h) => h.id === id);
      if (noHistory && new Date(r.created_at) >= end) continue;
      if (!seesUnpublished && r.review_state !== 'published') continue;
      if (f.county && !f.county.includes(r.county_adcode)) continue;
      if (f.park && !f.park.includes(Number(r.park_id))) continue;
      if (f.type && !f.type.includes(r.kind)) continue;
      if (f.status && !f.status.includes(r.status)) continue;
      const k = `${month}|${r.kind}`;
      const v = out.get(k) ?? { count: 0, availableCount: 0, availableAreaM2: 0 };
      v.count += 1;
      if (r.status === 'available') { v.availableCount += 1; v.availableAreaM2 += Number(r.area); }
      out.set(k, v);
    }
  }
  return out;
}

/** Carriers surveyed within 6 / 12 months of `asOf` per county × kind (photos linked by carrier_id, edits, status dates). */
export async function freshnessBrute(pool: pg.Pool, cs: Carrier[], asOf: string, seesUnpublished: boolean) {
  const photos = (await pool.query(`SELECT carrier_id::int, taken_at, review_state FROM photos WHERE carrier_id IS NOT NULL`)).rows;
  const edits = (await pool.query(`SELECT feature_id::int AS id, at FROM feature_history WHERE applied AND action <> 'delete' AND layer IN ('land', 'factories', 'offices')`)).rows;
  const sd = new Map((await pool.query(`SELECT id::int, status_date FROM carriers WHERE status_date IS NOT NULL`)).rows.map((r) => [r.id, r.status_date as string]));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  // As PostgreSQL's date - interval 'n months': the same day n months earlier, clamped to that month's last day (12-31 → 06-30).
  const minus = (months: number) => {
    const [y, m, d] = asOf.split('-').map(Number);
    const lastDay = new Date(Date.UTC(y, m - 1 - months + 1, 0)).getUTCDate();
    return day(new Date(Date.UTC(y, m - 1 - months, Math.min(d, lastDay))));
  };
  const out = new Map<string, { count: number; within6: number; within12: number }>();
  for (const c of cs) {
    const days: string[] = [];
    for (const p of photos) if (p.carrier_id === c.id && (seesUnpublished || p.review_state === 'published')) {
      const m = /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(p.taken_at ?? '');
      if (m) days.push(`${m[1]}-${m[2]}-${m[3]}`);
    }
    for (const e of edits) if (e.id === c.id) days.push(day(new Date(e.at)));
    if (sd.has(c.id)) days.push(sd.get(c.id)!);
    const last = days.filter((d) => d <= asOf).sort().at(-1);
    const k = `${c.county}|${c.kind}`;
    const v = out.get(k) ?? { count: 0, within6: 0, within12: 0 };
    v.count += 1;
    if (last && last > minus(6)) v.within6 += 1;
    if (last && last > minus(12)) v.within12 += 1;
    out.set(k, v);
  }
  return out;
}
