/**
 * Site selection and shortlists against a real server and database (embedded PGlite + PostGIS, or
 * DATABASE_URL).
 *
 * The ranking is checked against an ORACLE written here, independently of the server: it loads
 * every published carrier and amenity through the public layer API (GeoJSON, EPSG:4326), applies
 * the brief's constraints by brute force and measures boundary distances itself (no index, no
 * PostGIS): 0 when the amenity lies inside the site (turf), else the shortest distance to the
 * site's rings, each segment measured in a local frame scaled by the WGS84 ellipsoid's radii at
 * the segment's latitude. Those are ellipsoidal distances; the server measures on the
 * Gauss-Krüger plane (EPSG:4545), which differs by < 0.05 % in Dazhou: distances compare within
 * 0.2 % + 0.5 m, and a site whose distance is that close to a brief's threshold would be
 * ambiguous, so each brief asserts it has none. Scores are then recomputed twice: from the
 * server's reported distances (ids in order and scores to 1e-6) and from the oracle's own
 * distances (scores within 1 point, and the order of every pair whose scores differ by more).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type pg from 'pg';
import { booleanIntersects, booleanPointInPolygon, pointOnFeature } from '@turf/turf';
import type { Feature, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { api, signIn, TEST_ADMIN, testPool, userWithRole } from './helpers.ts';
import { NearestRepository } from '../server/selection/nearest.repository.ts';
import { NearestWorker } from '../server/selection/nearest.worker.ts';
import { CANDIDATE_CACHE_DEFAULTS } from '../server/selection/selection.cache.ts';
import { SelectionRepository } from '../server/selection/selection.repository.ts';
import { SelectionService } from '../server/selection/selection.service.ts';
import { CANDIDATE_TABLE_DEFAULTS } from '../server/selection/selection.table.ts';

// ───────────────────────────── the world as the public sees it ─────────────────────────────

type Props = Record<string, unknown> & {
  name: string; status: string; county: string; park_id: number | null; area_m2: number;
  land_use: string | null; allowed_industries: string[] | null; price: number | null; price_unit: string | null;
  power_kva: number | null; water_t_per_day: number | null; gas: boolean | null;
};

interface Site {
  id: number;
  layer: string;
  props: Props;
  feature: Feature<MultiPolygon>;
  rings: Position[][];
  bbox: [number, number, number, number];
}

interface Amenity { id: number; kind: string; coord: Position }

let sites: Site[] = [];
let amenities: Amenity[] = [];
let amenityKinds: string[] = [];
let parks: Feature<MultiPolygon, { name: string; code: string }>[] = [];
let officer: string;
let pool: pg.Pool;
/** The SQL ranking alone (no candidate table, no cache), in this process on the test database. */
let sqlOnly: SelectionService;

async function allFeatures(layer: string) {
  const res = await api(`/api/layers/${layer}/features?limit=10000`);
  expect(res.status).toBe(200);
  const fc = await res.json();
  expect(fc.numberMatched).toBe(fc.numberReturned);
  return fc.features as Feature[];
}

/** A site as the oracle sees it, from its public GeoJSON feature. */
function siteOf(f: Feature, layer: string): Site {
  const g = f.geometry as MultiPolygon;
  const rings = g.coordinates.flat();
  const pts = rings.flat();
  return {
    id: Number(f.id), layer, props: f.properties as Props, feature: f as Feature<MultiPolygon>, rings,
    bbox: [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))],
  };
}

beforeAll(async () => {
  pool = testPool();
  sqlOnly = new SelectionService(new SelectionRepository(pool), { ...CANDIDATE_CACHE_DEFAULTS, ttlMs: 0 }, { ...CANDIDATE_TABLE_DEFAULTS, maxCarriers: 0 });
  officer = await userWithRole('officer');
  for (const layer of ['land', 'factories', 'offices']) {
    for (const f of await allFeatures(layer)) sites.push(siteOf(f, layer));
  }
  amenities = (await allFeatures('amenities')).map((f) => ({
    id: Number(f.id), kind: String(f.properties!.kind), coord: (f.geometry as Point).coordinates,
  }));
  const catalog = await (await api('/api/layers')).json();
  const amenityLayer = catalog.layers.find((l: { id: string }) => l.id === 'amenities');
  amenityKinds = Object.keys(amenityLayer.attributes.find((a: { name: string }) => a.name === 'kind').values);
  parks = (await allFeatures('parks')) as Feature<MultiPolygon, { name: string; code: string }>[];
}, 120_000);

afterAll(async () => {
  await pool.end();
});

// ───────────────────────────── oracle: distances ─────────────────────────────

const A = 6378137;
const E2 = 0.00669437999014;

/** Metres per radian of latitude (M) and longitude (N cos φ) on the WGS84 ellipsoid. */
function radii(latDeg: number): { my: number; mx: number } {
  const p = (latDeg * Math.PI) / 180;
  const w = 1 - E2 * Math.sin(p) ** 2;
  return { my: (A * (1 - E2)) / w ** 1.5, mx: (A / Math.sqrt(w)) * Math.cos(p) };
}

/** Ellipsoidal distance (m) from `p` to segment a–b, in a local frame at the pair's mean latitude. */
function pointSegmentMetres(p: Position, a: Position, b: Position): number {
  const { mx, my } = radii((p[1] + (a[1] + b[1]) / 2) / 2);
  const k = Math.PI / 180;
  const ax = (a[0] - p[0]) * k * mx, ay = (a[1] - p[1]) * k * my;
  const bx = (b[0] - p[0]) * k * mx, by = (b[1] - p[1]) * k * my;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** Distance (m) from the site's boundary to a point; 0 when the point is inside. */
function siteDistance(site: Site, p: Position): number {
  if (p[0] >= site.bbox[0] && p[0] <= site.bbox[2] && p[1] >= site.bbox[1] && p[1] <= site.bbox[3] && booleanPointInPolygon(p, site.feature)) return 0;
  let best = Infinity;
  for (const ring of site.rings) for (let i = 0; i + 1 < ring.length; i++) best = Math.min(best, pointSegmentMetres(p, ring[i], ring[i + 1]));
  return best;
}

/** A cheap lower bound (m) of the distance from the site's bounding box to `p`. */
function bboxLowerBound(site: Site, p: Position): number {
  const dx = Math.max(site.bbox[0] - p[0], 0, p[0] - site.bbox[2]);
  const dy = Math.max(site.bbox[1] - p[1], 0, p[1] - site.bbox[3]);
  const { mx, my } = radii(p[1]);
  return 0.98 * Math.hypot((dx * Math.PI * mx) / 180, (dy * Math.PI * my) / 180);
}

const nearestCache = new Map<string, number | null>();

/** Distance (m) from the site to the nearest published amenity of `kind`, by brute force. */
function nearest(site: Site, kind: string): number | null {
  const key = `${site.id}:${kind}`;
  if (nearestCache.has(key)) return nearestCache.get(key)!;
  const pts = amenities.filter((a) => a.kind === kind).map((a) => ({ a, lb: bboxLowerBound(site, a.coord) })).sort((x, y) => x.lb - y.lb);
  let best: number | null = null;
  for (const { a, lb } of pts) {
    if (best !== null && lb > best) break;
    const d = siteDistance(site, a.coord);
    if (best === null || d < best) best = d;
  }
  nearestCache.set(key, best);
  return best;
}

/** Allowed difference between the server's GK distance and the oracle's ellipsoidal one. */
const tolerance = (d: number) => 0.002 * d + 0.5;

// ───────────────────────────── oracle: constraints and scores ─────────────────────────────

type Brief = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MU = 10000 / 15;
const LAYERS = ['land', 'factories', 'offices'];
const COLUMN: Record<string, string> = {
  area: 'area_m2', price: 'price', power: 'power_kva', water: 'water_t_per_day', plot_ratio: 'plot_ratio_max',
  floor_load: 'floor_load_kn_m2', clear_height: 'clear_height_m', investment_intensity: 'investment_intensity_wan_per_mu',
  output_per_mu: 'output_per_mu_wan',
};
const LOWER_BY_DEFAULT = new Set(['price', 'investment_intensity', 'output_per_mu']);

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

interface Evaluation {
  /** Ids of the sites that meet every constraint. */
  ids: number[];
  /** Sites whose distance lies within the tolerance of a threshold (would be a coin toss). */
  ambiguous: number[];
}

/** Apply the brief's hard constraints by brute force. */
function matches(brief: Brief): Evaluation {
  const ids: number[] = [];
  const ambiguous: number[] = [];
  const area = brief.areaMu ? { min: brief.areaMu.min * MU, max: brief.areaMu.max * MU } : brief.areaM2 ?? {};
  for (const s of sites) {
    const p = s.props;
    const atLeast = (v: unknown, min: number | undefined) => min === undefined || (num(v) !== null && (v as number) >= min);
    const atMost = (v: unknown, max: number | undefined) => max === undefined || (num(v) !== null && (v as number) <= max);
    if (!(brief.layers ?? LAYERS).includes(s.layer)) continue;
    if (!(brief.status ?? ['available']).includes(p.status)) continue;
    if (brief.counties && !brief.counties.includes(p.county)) continue;
    if (brief.parks && !brief.parks.includes(p.park_id)) continue;
    if (!atLeast(p.area_m2, area.min) || !atMost(p.area_m2, area.max)) continue;
    if (!atLeast(p.price, brief.priceMin) || !atMost(p.price, brief.priceMax)) continue;
    if (brief.priceUnit && p.price_unit !== brief.priceUnit) continue;
    if (brief.landUse && !brief.landUse.includes(p.land_use)) continue;
    if (brief.industry && !(p.allowed_industries ?? []).includes(brief.industry)) continue;
    if (!atLeast(p.power_kva, brief.powerKvaMin) || !atLeast(p.water_t_per_day, brief.waterTPerDayMin)) continue;
    if (brief.gas === true && p.gas !== true) continue;
    if (!atLeast(p.floors, brief.floorsMin) || !atMost(p.floors, brief.floorsMax)) continue;
    if (!atLeast(p.floor_load_kn_m2, brief.floorLoadMin) || !atLeast(p.clear_height_m, brief.clearHeightMin)) continue;
    if (brief.plotRatio && (!atLeast(p.plot_ratio_max, brief.plotRatio.min) || !atMost(p.plot_ratio_min, brief.plotRatio.max))) continue;
    if (brief.standardLand) {
      const { investmentIntensity: inv, outputPerMu: out } = brief.standardLand;
      if (inv !== undefined && num(p.investment_intensity_wan_per_mu) !== null && (p.investment_intensity_wan_per_mu as number) > inv) continue;
      if (out !== undefined && num(p.output_per_mu_wan) !== null && (p.output_per_mu_wan as number) > out) continue;
    }
    if (brief.within && !booleanIntersects(s.feature, brief.within)) continue;
    let unsure = false;
    const limits: [number | null, number][] = Object.entries(brief.maxDistanceM ?? {}).map(([k, m]) => [nearest(s, k), m as number]);
    if (brief.near) limits.push([siteDistance(s, [brief.near.lon, brief.near.lat]), brief.near.radiusM]);
    let ok = true;
    for (const [d, max] of limits) {
      if (d === null || d > max + tolerance(max)) ok = false;
      else if (d !== 0 && Math.abs(d - max) <= tolerance(max)) unsure = true; // inside (0) is exact for both
    }
    if (!ok) continue;
    if (unsure) ambiguous.push(s.id);
    ids.push(s.id);
  }
  return { ids, ambiguous };
}

/** Value of a criterion for a site; `dist` supplies distance criteria. */
function valueOf(site: Site, criterion: string, dist: (s: Site, kind: string) => number | null): number | null {
  if (criterion.startsWith('distance_')) return dist(site, criterion.slice('distance_'.length));
  return num(site.props[COLUMN[criterion]]);
}

/**
 * The brief's scoring, written from the contract: per criterion min-max over all candidates with a
 * value (price within each price unit), `ideal` as lower deviation, equal values → 100, missing → 0;
 * total = Σ weight × score / 100 rounded to 1e-6; order score desc, then id asc.
 */
function rank(brief: Brief, candidates: Site[], dist: (s: Site, kind: string) => number | null) {
  const weights: Record<string, number> = brief.weights ?? {};
  const scores = new Map<number, { total: number; per: Record<string, number> }>(candidates.map((s) => [s.id, { total: 0, per: {} }]));
  for (const [criterion, weight] of Object.entries(weights)) {
    const pref = brief.preferences?.[criterion] ?? (criterion.startsWith('distance_') || LOWER_BY_DEFAULT.has(criterion) ? 'lower' : 'higher');
    const goodness = (v: number) => (pref === 'higher' ? v : pref === 'lower' ? -v : -Math.abs(v - pref.ideal));
    const groupOf = (s: Site) => (criterion === 'price' ? String(s.props.price_unit) : '*');
    const groups = new Map<string, Site[]>();
    for (const s of candidates) groups.set(groupOf(s), [...(groups.get(groupOf(s)) ?? []), s]);
    for (const members of groups.values()) {
      const g = members.map((s) => { const v = valueOf(s, criterion, dist); return v === null ? null : goodness(v); });
      const present = g.filter((x): x is number => x !== null);
      const lo = Math.min(...present);
      const hi = Math.max(...present);
      members.forEach((s, i) => {
        const score = g[i] === null ? 0 : hi === lo ? 100 : (100 * (g[i]! - lo)) / (hi - lo);
        const entry = scores.get(s.id)!;
        entry.per[criterion] = score;
        entry.total += (weight * score) / 100;
      });
    }
  }
  for (const e of scores.values()) e.total = Math.round(e.total * 1e6) / 1e6;
  const order = [...candidates].sort((a, b) => scores.get(b.id)!.total - scores.get(a.id)!.total || a.id - b.id);
  return { order: order.map((s) => s.id), scores };
}

// ───────────────────────────── the server ─────────────────────────────

interface Result {
  id: number; layer: string; name: string; score: number; distances: Record<string, number | null>;
  criteria: { criterion: string; value: number | null; unit: string | null; score: number | null; weight: number; pass?: boolean }[];
}

/**
 * POST a brief; `fresh` sends `Cache-Control: no-cache` (not from candidates cached for earlier
 * briefs: from the candidate table when it is current, else ranked in SQL).
 */
async function select(brief: Brief, cookie = officer, fresh = false): Promise<Response> {
  return api('/api/site-selection', { method: 'POST', cookie, body: JSON.stringify(brief), headers: fresh ? { 'cache-control': 'no-cache' } : {} });
}

/** Every result of the brief, page by page (500 a page). */
async function selectAll(brief: Brief, fresh = false): Promise<{ numberMatched: number; results: Result[] }> {
  const results: Result[] = [];
  let numberMatched = 0;
  for (let offset = 0; ; offset += 500) {
    const res = await select({ ...brief, limit: 500, offset }, officer, fresh);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    numberMatched = body.numberMatched;
    results.push(...body.results);
    if (offset + 500 >= numberMatched) break;
  }
  return { numberMatched, results };
}

/** The whole answer of a brief, page by page, with its GeoJSON (to compare answers exactly). */
async function answerOf(brief: Brief, fresh: boolean) {
  const pages: { source: string | null; body: Record<string, unknown> }[] = [];
  for (let offset = 0; ; offset += 500) {
    const res = await select({ ...brief, limit: 500, offset }, officer, fresh);
    expect(res.status).toBe(200);
    const body = await res.json();
    pages.push({ source: res.headers.get('x-selection-source'), body });
    if (offset + 500 >= body.numberMatched) break;
  }
  return pages;
}

/** The whole answer of a brief as the SQL ranking alone gives it (JSON, as the API sends it). */
async function sqlAnswerOf(brief: Brief) {
  const pages: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 500) {
    const body = JSON.parse(JSON.stringify(await sqlOnly.select({ ...brief, limit: 500, offset })));
    pages.push(body);
    if (offset + 500 >= body.numberMatched) break;
  }
  return pages;
}

// ───────────────────────────── briefs ─────────────────────────────

function parkPolygon(code: string, shrink: number): Polygon {
  const park = parks.find((p) => p.properties.code === code)!;
  const pts = park.geometry.coordinates.flat(2);
  const [x0, y0, x1, y1] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, rx = ((x1 - x0) / 2) * shrink, ry = ((y1 - y0) / 2) * shrink;
  // A skewed hexagon: its edges cut through the park's blocks, so sites straddle the boundary.
  const ring = [[cx - rx, cy], [cx - rx / 3, cy - ry], [cx + rx / 2, cy - ry * 0.8], [cx + rx, cy + ry / 5], [cx + rx / 4, cy + ry], [cx - rx * 0.7, cy + ry * 0.6]];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

function parkCentre(code: string): [number, number] {
  const park = parks.find((p) => p.properties.code === code)!;
  const pts = park.geometry.coordinates.flat(2);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

/** Briefs that exercise every constraint and criterion; built lazily (they need the parks). */
const BRIEFS: [string, () => Brief][] = [
  ['attribute filters: land 20–80 亩 under 30 万元/亩, M1/M2, gas', () => ({
    layers: ['land'], areaMu: { min: 20, max: 80 }, priceMax: 30, landUse: ['M1', 'M2'], gas: true,
    weights: { price: 50, area: 50 },
  })],
  ['factories by floor load, clear height and price (two price units)', () => ({
    layers: ['factories'], status: ['available', 'reserved'], clearHeightMin: 8, powerKvaMin: 300,
    weights: { floor_load: 40, clear_height: 30, price: 30 },
  })],
  ['offices ≥ 10 floors near bus stops, rent only', () => ({
    layers: ['offices'], floorsMin: 10, priceUnit: '元/m²·月', priceMax: 40,
    weights: { price: 60, distance_bus_stop: 40 },
  })],
  ['three distance criteria with two maximum distances', () => ({
    layers: ['land'], maxDistanceM: { highway_exit: 9000, school: 2500 },
    weights: { distance_highway_exit: 40, distance_hospital: 30, distance_bank: 30 },
  })],
  ['a drawn polygon over the 高新区', () => ({
    within: parkPolygon('DZGX', 0.6), status: ['available', 'reserved', 'occupied'],
    weights: { area: 60, distance_restaurant: 40 },
  })],
  ['a point and radius around the 经开区', () => {
    const [lon, lat] = parkCentre('DZJK');
    return { near: { lon, lat, radiusM: 1500 }, weights: { distance_restaurant: 50, power: 50 } };
  }],
  ['标准地: the client plans 300 万元/亩 investment and 400 万元/亩 output', () => ({
    layers: ['land'], standardLand: { investmentIntensity: 300, outputPerMu: 400 },
    weights: { investment_intensity: 50, output_per_mu: 30, water: 20 },
  })],
  ['ideal values for area and price', () => ({
    layers: ['land'], status: ['available', 'reserved'],
    weights: { area: 70, price: 30 }, preferences: { area: { ideal: 20000 }, price: { ideal: 25 } },
  })],
  ['ties: factories ranked on floor load alone (a handful of values)', () => ({
    layers: ['factories'], weights: { floor_load: 100 },
  })],
  ['one candidate: the site under a point, radius 0', () => {
    const s = sites.find((x) => x.layer === 'offices' && x.props.status === 'available')!;
    const [lon, lat] = pointOnFeature(s.feature).geometry.coordinates;
    return { layers: ['offices'], near: { lon, lat, radiusM: 0 }, weights: { price: 50, distance_school: 50 } };
  }],
  ['industry, county and plot-ratio overlap', () => ({
    layers: ['land'], industry: '电子信息', counties: ['511702', '511724'], plotRatio: { min: 2.5, max: 4 },
    status: ['available', 'reserved'], weights: { plot_ratio: 50, water: 50 },
  })],
  ['no weights: every score 0, ordered by id', () => ({
    layers: ['offices', 'factories'], counties: ['511703'], status: ['available', 'reserved', 'occupied'],
  })],
  ['parks and a price window, lower-is-better power (preference overrides default)', () => ({
    parks: [1, 4, 5], priceMin: 10, priceMax: 4000, weights: { power: 40, area: 30, distance_police: 30 },
    preferences: { power: 'lower', area: 'lower' },
  })],
  ['a drawn MultiPolygon with a maximum distance to logistics', () => ({
    within: { type: 'MultiPolygon', coordinates: [parkPolygon('DZJK', 0.9).coordinates, parkPolygon('DZLG', 0.9).coordinates] },
    maxDistanceM: { logistics: 4000 }, layers: ['land', 'factories'],
    weights: { distance_logistics: 50, distance_rail_station: 25, distance_government: 25 },
  })],
];

describe('site selection matches a brute-force oracle on the demo data', () => {
  it('has the demo data loaded through the public API', () => {
    expect(sites.length).toBeGreaterThan(2000);
    expect(amenities.length).toBeGreaterThan(800);
    expect(amenityKinds).toHaveLength(16);
  });

  it.each(BRIEFS)('%s', async (_title, make) => {
    const brief = make();
    const { ids: oracleIds, ambiguous } = matches(brief);
    // (The SQL ranking runs beside the request, so the test's keep-alive connection never idles long.)
    const [fresh, sql] = await Promise.all([answerOf(brief, true), sqlAnswerOf(brief)]);
    const numberMatched = fresh[0].body.numberMatched as number;
    const results = fresh.flatMap((p) => p.body.results as Result[]);
    // From the candidate table or ranked in SQL (above), ranked in SQL alone, and asked again from
    // the cached candidates: the same answer, exactly.
    expect(fresh.map((p) => p.body)).toEqual(sql);
    const cached = await answerOf(brief, false);
    expect(cached.map((p) => p.source)).toEqual(cached.map(() => 'cache'));
    expect(cached.map((p) => p.body)).toEqual(fresh.map((p) => p.body));
    expect(numberMatched).toBe(results.length);
    // Same set, except that a site within the distance tolerance of a threshold may go either way.
    const served = new Set(results.map((r) => r.id));
    const unsure = new Set(ambiguous);
    expect(oracleIds.filter((id) => !unsure.has(id) && !served.has(id)), 'matches the server missed').toEqual([]);
    expect(results.map((r) => r.id).filter((id) => !oracleIds.includes(id)), 'results the oracle rejects').toEqual([]);
    expect(ambiguous.length, 'threshold coin tosses').toBeLessThanOrEqual(Math.max(2, oracleIds.length / 50));
    const ids = oracleIds.filter((id) => served.has(id));
    expect(ids.length, 'a brief that matches nothing tests little').toBeGreaterThan(0);

    const byId = new Map(sites.map((s) => [s.id, s]));
    const candidates = ids.map((id) => byId.get(id)!);
    const kinds = new Set<string>([...Object.keys(brief.maxDistanceM ?? {}), ...Object.keys(brief.weights ?? {}).filter((c) => c.startsWith('distance_')).map((c) => c.slice(9))]);

    // Distances: the server's GK metres against the oracle's ellipsoidal ones.
    const byResult = new Map(results.map((r) => [r.id, r]));
    for (const r of results) {
      expect(Object.keys(r.distances).sort()).toEqual([...kinds].sort());
      for (const k of kinds) {
        const mine = nearest(byId.get(r.id)!, k);
        const theirs = r.distances[k];
        if (mine === null) expect(theirs).toBeNull();
        else expect(Math.abs(theirs! - mine), `site ${r.id} ${k}: server ${theirs} m, oracle ${mine} m`).toBeLessThanOrEqual(tolerance(mine));
      }
    }

    // Exact: the oracle's formula on the server's distances gives the same order and scores.
    const exact = rank(brief, candidates, (s, k) => byResult.get(s.id)!.distances[k]);
    expect(results.map((r) => r.id)).toEqual(exact.order);
    for (const r of results) {
      expect(Math.abs(r.score - exact.scores.get(r.id)!.total), `score of ${r.id}`).toBeLessThanOrEqual(1e-6);
      for (const c of r.criteria) {
        if (c.weight > 0) expect(Math.abs(c.score! - exact.scores.get(r.id)!.per[c.criterion]), `${c.criterion} of ${r.id}`).toBeLessThanOrEqual(1e-6);
      }
    }

    // Independent: the oracle's own distances give scores within a point, and the same order
    // wherever two scores differ by more than that.
    const own = rank(brief, candidates, nearest);
    const pos = new Map(results.map((r, i) => [r.id, i]));
    for (const r of results) expect(Math.abs(r.score - own.scores.get(r.id)!.total)).toBeLessThanOrEqual(1);
    for (let i = 0; i + 1 < own.order.length; i++) {
      const [a, b] = [own.order[i], own.order[i + 1]];
      if (own.scores.get(a)!.total - own.scores.get(b)!.total > 2) expect(pos.get(a)!).toBeLessThan(pos.get(b)!);
    }
  });

  it('explains each result: weighted criteria with value, unit, score and weight; constraints with pass', async () => {
    const res = await select({ layers: ['land'], areaMu: { min: 10, max: 100 }, maxDistanceM: { school: 3000 }, weights: { price: 60, distance_hospital: 40 }, limit: 3 });
    const body = await res.json();
    const r = body.results[0];
    const by = Object.fromEntries(r.criteria.map((c: Result['criteria'][number]) => [c.criterion, c]));
    expect(by.price).toMatchObject({ value: r.price, unit: '万元/亩', weight: 60 });
    expect(by.distance_hospital).toMatchObject({ value: r.distances.hospital, unit: 'm', weight: 40 });
    expect(by.area).toMatchObject({ value: r.area_m2, unit: 'm²', weight: 0, score: null, pass: true });
    expect(by.distance_school).toMatchObject({ value: r.distances.school, pass: true });
    expect(r.score).toBeCloseTo((60 * by.price.score + 40 * by.distance_hospital.score) / 100, 5);
    // Ids are the layer API's feature ids; the GeoJSON holds the page for the map.
    const f = await (await api(`/api/layers/${r.layer}/features/${r.id}`)).json();
    expect(f.properties.name).toBe(r.name);
    expect(body.geojson.type).toBe('FeatureCollection');
    expect(body.geojson.features.map((x: Feature) => x.id)).toEqual(body.results.map((x: Result) => x.id));
    expect(body.geojson.features[0].geometry.type).toBe('MultiPolygon');
  });

  it('pages deterministically: limit, offset and the default limit of 50', async () => {
    const brief = { layers: ['factories'], weights: { floor_load: 100 } };
    const all = (await selectAll(brief)).results.map((r) => r.id);
    const page = await (await select({ ...brief, limit: 7, offset: 5 })).json();
    expect(page.results.map((r: Result) => r.id)).toEqual(all.slice(5, 12));
    expect(page.results[0].rank).toBe(6);
    const first = await (await select(brief)).json();
    expect(first.results).toHaveLength(50);
  });

  it('sorts by a criterion when asked, nulls last, ties by id', async () => {
    const { results } = await selectAll({ layers: ['land'], counties: ['511781'], sort: '-area', weights: { price: 100 } });
    const areas = results.map((r) => (r as unknown as { area_m2: number }).area_m2);
    expect(areas.length).toBeGreaterThan(5);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
  });

  it('never returns a draft carrier, and never measures to a draft amenity', async () => {
    const drafts = new Set((await pool.query(`SELECT id FROM carriers WHERE review_state <> 'published'`)).rows.map((r) => Number(r.id)));
    expect(drafts.size).toBeGreaterThan(0);
    const { results } = await selectAll({ status: ['available', 'reserved', 'occupied'], weights: { distance_school: 100 } });
    expect(results.length).toBe(sites.filter(() => true).length);
    expect(results.filter((r) => drafts.has(r.id))).toEqual([]);
    // A draft school right on top of a site does not change that site's distance.
    const site = sites.find((s) => s.layer === 'land' && s.props.status === 'available')!;
    const before = (await selectAll({ within: site.feature.geometry, layers: ['land'], weights: { distance_school: 100 } })).results.find((r) => r.id === site.id)!;
    const [lon, lat] = pointOnFeature(site.feature).geometry.coordinates;
    await pool.query(`INSERT INTO amenities (code, kind, name, review_state, geom) VALUES ('SEL-DRAFT-SCHOOL', 'school', '草稿学校', 'draft', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [lon, lat]);
    try {
      const after = (await selectAll({ within: site.feature.geometry, layers: ['land'], weights: { distance_school: 100 } })).results.find((r) => r.id === site.id)!;
      expect(before.distances.school).toBeGreaterThan(0);
      expect(after.distances.school).toBe(before.distances.school);
    } finally {
      await pool.query(`DELETE FROM amenities WHERE code = 'SEL-DRAFT-SCHOOL'`);
    }
  });
});

describe('the candidate table answers as the SQL ranking does, and only while it is current', () => {
  const brief = { layers: ['land', 'factories'], status: ['available', 'reserved'], areaMu: { min: 3 }, weights: { price: 40, area: 30, power: 30 } };
  /** Ask (fresh: no candidates cached for earlier briefs) until the table answers; it is read in the background. */
  const fromTable = async (b: Brief) => {
    for (let i = 0; i < 150; i++) {
      const res = await select(b, officer, true);
      expect(res.status).toBe(200);
      if (res.headers.get('x-selection-source') === 'table') return res.json();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the candidate table never answered');
  };
  const sqlAnswer = async (b: Brief) => JSON.parse(JSON.stringify(await sqlOnly.select(b)));

  it('answers attribute, drawn-area and point briefs exactly as SQL ranks them', async () => {
    const [lon, lat] = parkCentre('DZJK');
    for (const b of [
      brief,
      { ...brief, within: parkPolygon('DZLG', 0.8), sort: '-area', limit: 7, offset: 3 },
      { layers: ['land'], near: { lon, lat, radiusM: 2500 }, weights: { area: 60, plot_ratio: 40 }, preferences: { area: { ideal: 30000 } } },
      { layers: ['land'], standardLand: { investmentIntensity: 300, outputPerMu: 400 }, plotRatio: { min: 1.5, max: 2 }, industry: '电子信息', weights: { price: 100 } },
      { layers: ['factories', 'offices'], floorsMin: 2, floorLoadMin: 5, clearHeightMin: 6, status: ['available', 'reserved', 'occupied'], weights: { floor_load: 50, clear_height: 50 } },
    ] as Brief[]) {
      expect(await fromTable(b), JSON.stringify(b).slice(0, 120)).toEqual(await sqlAnswer(b));
    }
  });

  it('decides drawn areas that touch, share or just miss a site\'s boundary as PostGIS does', async () => {
    const site = sites.find((x) => x.layer === 'land' && x.props.status === 'available' && x.rings[0].length >= 5)!;
    const outer = site.rings[0];
    const [x0, y0, x1, y1] = site.bbox;
    const west = outer.reduce((a, p) => (p[0] < a[0] ? p : a));
    const [px, py] = pointOnFeature(site.feature).geometry.coordinates;
    const d = 1e-7;
    const areas: Polygon[] = [
      { type: 'Polygon', coordinates: [outer] }, // the site's own boundary
      { type: 'Polygon', coordinates: [[west, [west[0] - 0.002, west[1] - 0.001], [west[0] - 0.002, west[1] + 0.001], west]] }, // one shared vertex
      { type: 'Polygon', coordinates: [[[x0 - 0.003, y0], [x0 - Number.EPSILON * 64, y0], [x0 - Number.EPSILON * 64, y1], [x0 - 0.003, y1], [x0 - 0.003, y0]]] }, // a hair west of it
      { type: 'Polygon', coordinates: [[[px - d, py - d], [px + d, py - d], [px, py + d], [px - d, py - d]]] }, // a speck inside
      { type: 'Polygon', coordinates: [ // a frame whose hole holds the site
        [[x0 - 0.01, y0 - 0.01], [x1 + 0.01, y0 - 0.01], [x1 + 0.01, y1 + 0.01], [x0 - 0.01, y1 + 0.01], [x0 - 0.01, y0 - 0.01]],
        [[x0 - 1e-6, y0 - 1e-6], [x0 - 1e-6, y1 + 1e-6], [x1 + 1e-6, y1 + 1e-6], [x1 + 1e-6, y0 - 1e-6], [x0 - 1e-6, y0 - 1e-6]],
      ] },
      { type: 'Polygon', coordinates: [[outer[0], outer[1], [(outer[0][0] + outer[1][0]) / 2 + 0.001, (outer[0][1] + outer[1][1]) / 2 - 0.001], outer[0]]] }, // along one edge
    ];
    for (const within of areas) {
      const b = { within, status: ['available', 'reserved', 'occupied'], weights: { area: 100 }, limit: 500 };
      const answer = await fromTable(b);
      expect(answer, JSON.stringify(within).slice(0, 160)).toEqual(await sqlAnswer(b));
    }
  });

  it('follows edits at once: the next answer comes from the patched table and equals SQL and the oracle', async () => {
    const before = await fromTable(brief);
    const top = before.results[0] as Result;
    const cheap = before.results[3] as Result;
    // A draft that the brief would match once published.
    const { rows: [draft] } = await pool.query(
      `SELECT id, CASE kind WHEN 'land' THEN 'land' ELSE 'factories' END AS layer FROM carriers
       WHERE review_state = 'draft' AND kind IN ('land', 'factory') AND status IN ('available', 'reserved') AND area_m2 >= 2000
       ORDER BY id LIMIT 1`);
    expect(draft, 'a draft land or factory site').toBeTruthy();
    const saved = sites;
    const { rows: [old] } = await pool.query(`SELECT price FROM carriers WHERE id = $1`, [cheap.id]);
    const oracleRanking = async (b: Brief) => {
      // The oracle's world after the edits, through the public API as before.
      const changed = new Map<number, Site>();
      for (const [id, layer] of [[top.id, top.layer], [cheap.id, cheap.layer], [Number(draft.id), draft.layer]] as const) {
        const res = await api(`/api/layers/${layer}/features/${id}`);
        if (res.status === 200) changed.set(Number(id), siteOf(await res.json(), layer));
      }
      sites = [...saved.filter((x) => !changed.has(x.id) && x.id !== top.id), ...changed.values()];
      // (The oracle reads an area range with both ends; 3 亩 = 2000 m².)
      const ids = new Set(matches({ ...b, areaMu: undefined, areaM2: { min: 2000 } }).ids);
      return rank(b, sites.filter((x) => ids.has(x.id)), () => null).order;
    };
    try {
      await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [top.id]);
      await pool.query(`UPDATE carriers SET price = price / 3 WHERE id = $1`, [cheap.id]);
      await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [draft.id]);
      const started = performance.now();
      const res = await select({ ...brief, limit: 500 }, officer, true);
      const took = performance.now() - started;
      expect(res.headers.get('x-selection-source'), `answered in ${took.toFixed(0)} ms`).toBe('table');
      const after = await res.json();
      expect(after.numberMatched).toBe(before.numberMatched);
      expect(after.results.map((r: Result) => r.id)).not.toContain(top.id);
      expect(after).toEqual(await sqlAnswer({ ...brief, limit: 500 }));
      const oracle = await oracleRanking(brief);
      expect(oracle).toContain(Number(draft.id));
      expect((await selectAll(brief, true)).results.map((r) => r.id)).toEqual(oracle);
    } finally {
      sites = saved;
      await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [top.id]);
      await pool.query(`UPDATE carriers SET price = $2 WHERE id = $1`, [cheap.id, old.price]);
      await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [draft.id]);
    }
    const res = await select(brief, officer, true);
    expect(res.headers.get('x-selection-source')).toBe('table');
    expect(await res.json()).toEqual(before);
  });

  it('follows a moved site at once, its distances measured live until the worker stores them', async () => {
    const b = { layers: ['land'], within: parkPolygon('DZJK', 0.9), weights: { distance_school: 50, distance_bus_stop: 50 }, limit: 500 };
    const before = await fromTable(b);
    const site = before.results[2] as Result;
    const { rows: [{ geom }] } = await pool.query(`SELECT ST_AsText(geom) AS geom FROM carriers WHERE id = $1`, [site.id]);
    try {
      await pool.query(`UPDATE carriers SET geom = ST_Translate(geom, 0.0004, 0.0002) WHERE id = $1`, [site.id]);
      const res = await select(b, officer, true);
      expect(res.headers.get('x-selection-source')).toBe('table');
      expect(await res.json()).toEqual(await sqlAnswer(b));
    } finally {
      await pool.query(`UPDATE carriers SET geom = ST_GeomFromText($2, 4326) WHERE id = $1`, [site.id, geom]);
    }
    const res = await select(b, officer, true);
    expect(res.headers.get('x-selection-source')).toBe('table');
    expect(await res.json()).toEqual(before);
  });
});

describe('a brief that changes only weights or the page re-uses its candidates', () => {
  const base = { layers: ['land'], status: ['available', 'reserved'], areaMu: { min: 5, max: 200 }, limit: 20 };

  it('ranks from the cache the second time the constraints are asked, with the answer SQL gives', async () => {
    const first = await select({ ...base, weights: { price: 50, area: 50 } });
    expect(['sql', 'table']).toContain(first.headers.get('x-selection-source'));
    for (const [weights, preferences, sort, offset] of [
      [{ price: 70, area: 30 }, undefined, undefined, 0],
      [{ price: 20, power: 40, distance_school: 40 }, { power: { ideal: 2000 } }, undefined, 10],
      [{ water: 100 }, undefined, '-area', 40],
    ] as const) {
      const brief = { ...base, weights, ...(preferences ? { preferences } : {}), ...(sort ? { sort } : {}), offset };
      const cached = await select(brief);
      expect(cached.headers.get('x-selection-source')).toBe('cache');
      const fresh = await select(brief, officer, true);
      expect(['sql', 'table']).toContain(fresh.headers.get('x-selection-source'));
      const answer = await cached.json();
      expect(answer).toEqual(await fresh.json());
      expect(answer).toEqual(JSON.parse(JSON.stringify(await sqlOnly.select(brief))));
    }
    // Other constraints are another entry.
    expect(['sql', 'table']).toContain((await select({ ...base, areaMu: { min: 6, max: 200 }, weights: { price: 100 } })).headers.get('x-selection-source'));
  });

  it('drops the cached candidates at once when a carrier or an amenity changes', async () => {
    const brief = { ...base, weights: { price: 40, distance_hospital: 60 } };
    await select(brief);
    const before = await (await select(brief)).json();
    const top = before.results[0] as Result;
    await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [top.id]);
    try {
      const res = await select(brief);
      const after = await res.json();
      expect(after.numberMatched).toBe(before.numberMatched - 1);
      expect(after.results.map((r: Result) => r.id)).not.toContain(top.id);
      expect(after).toEqual(await (await select(brief, officer, true)).json());
    } finally {
      await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [top.id]);
    }
    expect((await (await select(brief)).json()).results[0].id).toBe(top.id);
    // A published hospital on the top site: its distance is 0 at once.
    const site = sites.find((s) => s.id === top.id)!;
    const [lon, lat] = pointOnFeature(site.feature).geometry.coordinates;
    await pool.query(`INSERT INTO amenities (code, kind, name, review_state, geom) VALUES ('SEL-CACHE-HOSPITAL', 'hospital', '测试医院', 'published', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [lon, lat]);
    try {
      const after = await (await select(brief)).json();
      expect(after.results.find((r: Result) => r.id === top.id).distances.hospital).toBe(0);
    } finally {
      await pool.query(`DELETE FROM amenities WHERE code = 'SEL-CACHE-HOSPITAL'`);
    }
    expect((await (await select(brief)).json()).results[0].distances.hospital).toBe(top.distances.hospital);
  });
});

// ───────────────────────────── stored nearest amenities ─────────────────────────────

describe('stored nearest amenities (carrier_nearest) give the answers live measuring gives', () => {
  // The refresh worker, driven here step by step on the test database. The server runs one too
  // (they take turns on an advisory lock), on both engines; on the embedded database it may not
  // have stored every carrier yet, so the rows below are built here and others are measured live.
  let repo: NearestRepository;
  let worker: NearestWorker;
  let built: Site[];
  const kindsSql = `SELECT ARRAY(SELECT m.distance_m FROM unnest(amenity_kinds()) WITH ORDINALITY AS k(kind, i)
                      LEFT JOIN LATERAL nearest_amenity(c.geom_m, k.kind) m ON true ORDER BY k.i)`;

  /** Apply every pending amenity change to the stored rows. */
  const refresh = async () => { while (await worker.applyAmenityChanges()) { /* next kind */ } };
  const storedRow = async (id: number) =>
    (await pool.query(`SELECT distance_m FROM carrier_nearest WHERE carrier_id = $1`, [id])).rows[0]?.distance_m as (number | null)[] | undefined;
  const liveRow = async (id: number) => (await pool.query(`SELECT (${kindsSql}) AS d FROM carriers c WHERE c.id = $1`, [id])).rows[0].d as (number | null)[];
  const schoolOf = async (site: Site) =>
    (await selectAll({ within: site.feature.geometry, layers: [site.layer], status: [site.props.status], weights: { distance_school: 100 } }))
      .results.find((r) => r.id === site.id)!.distances.school;

  beforeAll(async () => {
    repo = new NearestRepository(pool);
    worker = new NearestWorker(repo, { intervalMs: 0, batch: 50 });
    await refresh();
    // The land parcels of one county: enough for a brief to mix stored and live carriers.
    built = sites.filter((x) => x.layer === 'land' && x.props.county === '511702').slice(0, 120);
    if (inject('dbEngine') === 'postgres') await worker.drain();
    else await repo.step((st) => st.buildRows(built.map((x) => x.id)));
  }, 300_000);

  it('stores, for every carrier with a row, exactly the live KNN distance of every kind', async () => {
    // Every row on PostgreSQL. The embedded server's worker stores the whole demo too, and a probe
    // costs ~1 ms there: the county's rows built above and every 20th other site.
    const sample = inject('dbEngine') === 'postgres' ? null : [...built.map((x) => x.id), ...sites.filter((_, i) => i % 20 === 0).map((x) => x.id)];
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE n.distance_m IS DISTINCT FROM (${kindsSql}))::int AS wrong
       FROM carrier_nearest n JOIN carriers c ON c.id = n.carrier_id
       WHERE $1::bigint[] IS NULL OR n.carrier_id = ANY ($1::bigint[])`, [sample]);
    expect(rows[0].n).toBeGreaterThanOrEqual(built.length);
    expect(rows[0].wrong).toBe(0);
    // Slot i is the kind amenity_kinds() names i-th; the catalog knows the same 16 kinds.
    const slots = (await pool.query(`SELECT amenity_kinds() AS k`)).rows[0].k;
    expect([...slots].sort()).toEqual([...amenityKinds].sort());
  });

  it('answers a brief over stored and live carriers as the oracle does', async () => {
    const brief = { layers: ['land'], counties: ['511702'], status: ['available', 'reserved', 'occupied'], maxDistanceM: { school: 3000 }, weights: { distance_school: 50, distance_hospital: 50 } };
    const { results } = await selectAll(brief);
    const { ids, ambiguous } = matches(brief);
    const unsure = new Set(ambiguous);
    expect(results.map((r) => r.id).filter((id) => !unsure.has(id)).sort()).toEqual(ids.filter((id) => !unsure.has(id)).sort());
    const stored = new Set((await pool.query(`SELECT carrier_id FROM carrier_nearest WHERE carrier_id = ANY ($1::bigint[])`, [results.map((r) => r.id)])).rows.map((r) => Number(r.carrier_id)));
    expect(stored.size, 'some results come from stored rows').toBeGreaterThan(0);
    const byId = new Map(sites.map((x) => [x.id, x]));
    for (const r of results) {
      for (const k of ['school', 'hospital']) {
        const mine = nearest(byId.get(r.id)!, k)!;
        expect(Math.abs(r.distances[k]! - mine), `site ${r.id} ${k}`).toBeLessThanOrEqual(tolerance(mine));
      }
    }
  });

  it('measures a carrier without a row live, with the same result', async () => {
    const site = built[0];
    const before = await schoolOf(site);
    await pool.query(`DELETE FROM carrier_nearest WHERE carrier_id = $1`, [site.id]);
    try {
      expect(await schoolOf(site)).toBe(before);
    } finally {
      await repo.step((st) => st.buildRows([site.id]));
    }
    expect(await storedRow(site.id)).toEqual(await liveRow(site.id));
  });

  it('drops the row of a carrier whose geometry changes, so it is measured live at once', async () => {
    const site = built[1];
    const original = (await pool.query(`SELECT ST_AsEWKT(geom) AS g FROM carriers WHERE id = $1`, [site.id])).rows[0].g;
    expect(await storedRow(site.id)).toBeDefined();
    try {
      // Editing attributes or publishing keeps the row; moving the parcel 300 m east drops it.
      await pool.query(`UPDATE carriers SET name = name WHERE id = $1`, [site.id]);
      expect(await storedRow(site.id)).toBeDefined();
      await pool.query(`UPDATE carriers SET geom = ST_Translate(geom, 0.003, 0) WHERE id = $1`, [site.id]);
      expect(await storedRow(site.id)).toBeUndefined();
      const live = await liveRow(site.id);
      const moved = { ...site, feature: { ...site.feature, geometry: (await (await api(`/api/layers/land/features/${site.id}`)).json()).geometry } };
      expect(await schoolOf(moved)).toBe(live[0]);
    } finally {
      await pool.query(`UPDATE carriers SET geom = ST_GeomFromEWKT($2) WHERE id = $1`, [site.id, original]);
      await repo.step((st) => st.buildRows([site.id]));
    }
    expect(await storedRow(site.id)).toEqual(await liveRow(site.id));
  });

  it('follows an amenity that is added as a draft, published, moved and deleted: at once, and after the refresh', async () => {
    const site = built.find((x) => x.props.status === 'available') ?? built[2];
    const slot = (await pool.query(`SELECT amenity_kind_ordinal('school') AS i`)).rows[0].i as number;
    const storedSchool = async () => (await storedRow(site.id))![slot - 1];
    const before = await schoolOf(site);
    expect(before).toBeGreaterThan(0);
    expect(await storedSchool()).toBe(before);
    const [lon, lat] = pointOnFeature(site.feature).geometry.coordinates;
    const pending = async () => (await pool.query(`SELECT count(*)::int AS n FROM amenity_nearest_changes`)).rows[0].n as number;
    await pool.query(`INSERT INTO amenities (code, kind, name, review_state, geom) VALUES ('SEL-NEAREST-SCHOOL', 'school', '测试学校', 'draft', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [lon, lat]);
    try {
      // A draft is no change at all.
      expect(await pending()).toBe(0);
      expect(await schoolOf(site)).toBe(before);
      // Published inside the site: 0 m at once (measured live), and stored after the refresh.
      await pool.query(`UPDATE amenities SET review_state = 'published' WHERE code = 'SEL-NEAREST-SCHOOL'`);
      expect(await schoolOf(site)).toBe(0);
      await refresh();
      expect(await pending()).toBe(0);
      expect(await storedSchool()).toBe(0);
      expect(await schoolOf(site)).toBe(0);
      // Moved 50 km away: back to the old nearest school.
      await pool.query(`UPDATE amenities SET geom = ST_Translate(geom, 0.5, 0) WHERE code = 'SEL-NEAREST-SCHOOL'`);
      expect(await schoolOf(site)).toBe(before);
      await refresh();
      expect(await storedSchool()).toBe(before);
      // Moved back inside, then deleted.
      await pool.query(`UPDATE amenities SET geom = ST_SetSRID(ST_MakePoint($1, $2), 4326) WHERE code = 'SEL-NEAREST-SCHOOL'`, [lon, lat]);
      await refresh();
      expect(await storedSchool()).toBe(0);
      await pool.query(`DELETE FROM amenities WHERE code = 'SEL-NEAREST-SCHOOL'`);
      expect(await schoolOf(site)).toBe(before);
      await refresh();
      expect(await storedSchool()).toBe(before);
      expect(await schoolOf(site)).toBe(before);
    } finally {
      await pool.query(`DELETE FROM amenities WHERE code = 'SEL-NEAREST-SCHOOL'`);
      await refresh();
    }
    expect(await storedRow(site.id)).toEqual(await liveRow(site.id));
  });
});

describe('bad briefs get a 400 naming the field and the value', () => {
  it.each([
    [{ areaM2: { min: 'abc' } }, 'field "areaM2.min" must be a number or null, got "abc"'],
    [{ areaMu: { min: 50, max: 10 } }, 'field "areaMu" must have min ≤ max'],
    [{ areaM2: { min: 1 }, areaMu: { min: 1 } }, 'field "areaMu" cannot be given together with areaM2'],
    [{ layers: ['parks'] }, 'field "layers[0]" must be one of land, factories, offices, got "parks"'],
    [{ layers: [] }, 'field "layers" must have at least 1 items, got []'],
    [{ status: ['sold'] }, 'field "status[0]" must be one of available, reserved, occupied, got "sold"'],
    [{ counties: ['5117'] }, 'field "counties[0]" must match ^[0-9]{6}$ (6-digit county adcode), got "5117"'],
    [{ landUse: ['X9'] }, 'field "landUse[0]" must be one of M1, M2'],
    [{ maxDistanceM: { airport: 500 } }, 'field "maxDistanceM.airport" is not known (known: school, hospital'],
    [{ maxDistanceM: { school: -5 } }, 'field "maxDistanceM.school" must be within 0..1000000, got -5'],
    [{ weights: { price: 90 } }, 'field "weights" must sum to 100 ± 0.01 (they sum to 90), got {"price":90}'],
    [{ weights: { price: 50, beauty: 50 } }, 'field "weights.beauty" is not known (known: area, price'],
    [{ weights: { distance_airport: 100 } }, 'field "weights.distance_airport" is not known ('],
    [{ weights: { price: 100 }, preferences: { price: 'cheap' } }, 'field "preferences.price" must be one of higher, lower, got "cheap"'],
    [{ within: { type: 'Point', coordinates: [107.5, 31.2] } }, 'field "within.type" must be one of Polygon, MultiPolygon, got "Point"'],
    [{ within: { type: 'Polygon', coordinates: [[[107, 31], [107.1, 31], [107.1, 31.1], [107, 31.2]]] } }, 'field "within.coordinates[0]" must be closed'],
    [{ near: { lon: 500, lat: 31, radiusM: 100 } }, 'field "near.lon" must be within -180..180, got 500'],
    [{ near: { lon: 107.5, lat: 31 } }, 'field "near.radiusM" is required, got null'],
    [{ limit: 501 }, 'field "limit" must be within 1..500, got 501'],
    [{ offset: -1 }, 'field "offset" must be within 0..1000000000, got -1'],
    [{ sort: 'beauty' }, 'field "sort" must be "score", "id" or a criterion'],
    [{ gas: 'yes' }, 'field "gas" must be true or false or null, got "yes"'],
    [{ standardLand: { investment: 300 } }, 'field "standardLand.investment" is not known (known: investmentIntensity, outputPerMu)'],
    [{ priceUnit: '美元' }, 'field "priceUnit" must be one of 万元/亩'],
    [{ colour: 'red' }, 'field "colour" is not known (known: layers, status'],
    [[1, 2], 'brief must be a JSON object, got [1,2]'],
  ])('%j', async (brief, message) => {
    const res = await select(brief as Brief);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain(message);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await api('/api/site-selection', { method: 'POST', cookie: officer, body: '{"layers":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
  });
});

describe('who may select sites', () => {
  it('the public must sign in; staff and reviewers may not; officers and admins may', async () => {
    expect((await select({}, '')).status).toBe(401);
    expect((await select({}, await userWithRole('staff'))).status).toBe(403);
    expect((await select({}, await userWithRole('reviewer'))).status).toBe(403);
    expect((await select({ limit: 1 }, officer)).status).toBe(200);
    expect((await select({ limit: 1 }, await signIn(TEST_ADMIN.username, TEST_ADMIN.password))).status).toBe(200);
    expect((await api('/api/shortlists')).status).toBe(401);
    expect((await api('/api/shortlists', { cookie: await userWithRole('staff') })).status).toBe(403);
  });
});

// ───────────────────────────── shortlists and share links ─────────────────────────────

describe('shortlists shared with a client', () => {
  const pick = async (n: number, brief: Brief = {}) =>
    (await (await select({ ...brief, weights: { price: 50, distance_highway_exit: 50 }, limit: n })).json()).results as Result[];

  async function createShortlist(clientName: string, ids: number[]) {
    const res = await api('/api/shortlists', {
      method: 'POST', cookie: officer,
      body: JSON.stringify({ clientName, notes: '内部备注：客户预算偏紧', brief: { layers: ['land'] }, items: ids.map((id, i) => ({ carrierId: id, note: `推荐理由 ${i + 1}` })) }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json();
  }

  async function share(id: number, expiresInDays = 7) {
    const res = await api(`/api/shortlists/${id}/share`, { method: 'POST', cookie: officer, body: JSON.stringify({ expiresInDays }) });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json() as Promise<{ url: string; token: string; expiresAt: string }>;
  }

  const openShared = (token: string) => api(`/api/shared/${encodeURIComponent(token)}`);

  it('saves, lists, updates and deletes a shortlist', async () => {
    const sites3 = await pick(3, { layers: ['land'] });
    const s = await createShortlist('四川某新材料有限公司', sites3.map((r) => r.id));
    expect(s.clientName).toBe('四川某新材料有限公司');
    expect(s.items.map((i: { carrierId: number }) => i.carrierId)).toEqual(sites3.map((r) => r.id));
    expect(s.items[0]).toMatchObject({ published: true, layer: 'land', name: sites3[0].name, note: '推荐理由 1' });
    const list = await (await api('/api/shortlists', { cookie: officer })).json();
    expect(list.shortlists.find((x: { id: number }) => x.id === s.id)).toMatchObject({ clientName: '四川某新材料有限公司', itemCount: 3 });
    const reordered = [sites3[2].id, sites3[0].id];
    const upd = await api(`/api/shortlists/${s.id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ clientName: '新客户', items: reordered }) });
    expect(upd.status).toBe(200);
    const u = await upd.json();
    expect(u.clientName).toBe('新客户');
    expect(u.notes).toBe('内部备注：客户预算偏紧');
    expect(u.items.map((i: { carrierId: number }) => i.carrierId)).toEqual(reordered);
    expect((await api(`/api/shortlists/${s.id}`, { method: 'DELETE', cookie: officer })).status).toBe(204);
    expect((await api(`/api/shortlists/${s.id}`, { cookie: officer })).status).toBe(404);
  });

  it('refuses drafts, duplicates and unknown carriers in a shortlist, naming the item', async () => {
    const draft = (await pool.query(`SELECT id FROM carriers WHERE review_state = 'draft' ORDER BY id LIMIT 1`)).rows[0].id;
    const [ok] = await pick(1);
    for (const [items, message] of [
      [[{ carrierId: Number(draft) }], `field "items[0].carrierId" must be a published carrier, got ${Number(draft)}`],
      [[ok.id, ok.id], `field "items[1].carrierId" is listed twice, got ${ok.id}`],
      [[{ carrierId: 'x' }], 'field "items[0].carrierId" must be an integer, got "x"'],
    ] as const) {
      const res = await api('/api/shortlists', { method: 'POST', cookie: officer, body: JSON.stringify({ clientName: 'X', items }) });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain(message);
    }
    const res = await api('/api/shortlists', { method: 'POST', cookie: officer, body: JSON.stringify({ items: [] }) });
    expect((await res.json()).error.message).toContain('field "clientName" is required');
  });

  it('opens a share link without an account: the client\'s sites with indicators, park and nearest amenities', async () => {
    const chosen = await pick(3, { layers: ['land', 'factories'] });
    const s = await createShortlist('达州客户甲', chosen.map((r) => r.id));
    const link = await share(s.id, 14);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.url).toContain(link.token);
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(13.9 * 86400e3);
    // Only the token's SHA-256 is stored.
    const stored = await pool.query(`SELECT token_sha256 FROM shortlist_shares WHERE shortlist_id = $1`, [s.id]);
    expect(stored.rows).toEqual([{ token_sha256: createHash('sha256').update(link.token).digest('hex') }]);

    const res = await openShared(link.token);
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view.clientName).toBe('达州客户甲');
    expect(JSON.stringify(view)).not.toContain('内部备注');
    expect(view.sites.map((x: { id: number }) => x.id)).toEqual(chosen.map((r) => r.id));
    const first = view.sites[0];
    expect(first).toMatchObject({ name: chosen[0].name, layer: chosen[0].layer, note: '推荐理由 1', photos: [] });
    expect(first.indicators.area_m2).toBeGreaterThan(0);
    expect(first.indicators.area_mu).toBeCloseTo(first.indicators.area_m2 / MU, 1);
    const park = parks.find((p) => Number(p.id) === sites.find((x) => x.id === first.id)!.props.park_id);
    expect(first.park?.name_zh ?? null).toBe(park?.properties.name ?? null);
    expect(first.nearest.map((n: { kind: string }) => n.kind)).toEqual(amenityKinds);
    // Same distances as the selection and the oracle.
    expect(first.nearest.find((n: { kind: string }) => n.kind === 'highway_exit').distance_m).toBe(chosen[0].distances.highway_exit);
    const site = sites.find((x) => x.id === first.id)!;
    for (const n of first.nearest) {
      const mine = nearest(site, n.kind)!;
      expect(Math.abs(n.distance_m - mine)).toBeLessThanOrEqual(tolerance(mine));
    }
  });

  it('counts views, keeps clients apart and answers 404 alike for revoked, expired and unknown links', async () => {
    const [a, b] = await pick(2);
    const s1 = await createShortlist('客户一', [a.id]);
    const s2 = await createShortlist('客户二', [b.id]);
    const l1 = await share(s1.id);
    const l2 = await share(s2.id);
    expect(l1.token).not.toBe(l2.token);
    expect((await (await openShared(l1.token)).json()).clientName).toBe('客户一');
    expect((await (await openShared(l1.token)).json()).sites.map((x: { id: number }) => x.id)).toEqual([a.id]);
    const v2 = await (await openShared(l2.token)).json();
    expect(v2.clientName).toBe('客户二');
    expect(v2.sites.map((x: { id: number }) => x.id)).toEqual([b.id]);
    const shares1 = (await (await api(`/api/shortlists/${s1.id}`, { cookie: officer })).json()).shares;
    expect(shares1).toHaveLength(1);
    expect(shares1[0]).toMatchObject({ viewCount: 2, active: true });

    const unknown = await openShared('A'.repeat(43));
    expect(unknown.status).toBe(404);
    const notFound = await unknown.json();
    expect((await openShared('short')).status).toBe(404);

    const rev = await api(`/api/shortlists/${s1.id}/share/revoke`, { method: 'POST', cookie: officer, body: JSON.stringify({ token: l1.token }) });
    expect(rev.status).toBe(200);
    const revoked = await openShared(l1.token);
    expect(revoked.status).toBe(404);
    expect(await revoked.json()).toEqual(notFound);
    // Revoking one client's link leaves the other's working.
    expect((await openShared(l2.token)).status).toBe(200);

    await pool.query(`UPDATE shortlist_shares SET expires_at = now() - interval '1 second' WHERE shortlist_id = $1`, [s2.id]);
    const expired = await openShared(l2.token);
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual(notFound);
    // Two views were counted; the 404 was not.
    const views = await pool.query(`SELECT view_count FROM shortlist_shares WHERE shortlist_id = $1`, [s2.id]);
    expect(views.rows[0].view_count).toBe(2);
  });

  it('hides a site unpublished since the link was made', async () => {
    const chosen = await pick(2, { layers: ['offices'] });
    const s = await createShortlist('客户丙', chosen.map((r) => r.id));
    const link = await share(s.id, 1);
    await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [chosen[0].id]);
    try {
      const view = await (await openShared(link.token)).json();
      expect(view.sites.map((x: { id: number }) => x.id)).toEqual([chosen[1].id]);
      const officerView = await (await api(`/api/shortlists/${s.id}`, { cookie: officer })).json();
      expect(officerView.items[0]).toEqual({ carrierId: chosen[0].id, position: 0, note: '推荐理由 1', published: false });
      const res = await select({ layers: ['offices'], status: ['available', 'reserved', 'occupied'], limit: 500 });
      expect((await res.json()).results.map((r: Result) => r.id)).not.toContain(chosen[0].id);
    } finally {
      await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [chosen[0].id]);
    }
  });

  it('validates share lifetimes', async () => {
    const [a] = await pick(1);
    const s = await createShortlist('客户丁', [a.id]);
    const res = await api(`/api/shortlists/${s.id}/share`, { method: 'POST', cookie: officer, body: JSON.stringify({ expiresInDays: 1000 }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('field "expiresInDays" must be a number of days within 0.0417..365, got 1000');
    expect((await api('/api/shortlists/999999/share', { method: 'POST', cookie: officer, body: '{}' })).status).toBe(404);
  });
});
