import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { area, bbox, booleanIntersects, booleanPointInPolygon, booleanWithin, distance, intersect, kinks } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { AMENITY_KINDS, LAND_USE } from '../../layers/catalog.ts';
import { INDUSTRY_EN } from '../../layers/industries.ts';
import { MU_M2, generateDemoData } from './generate.ts';
import type { CarrierSeed, DemoData } from './seed-types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const counties = JSON.parse(fs.readFileSync(path.join(here, 'dazhou-counties.geojson'), 'utf8')) as FeatureCollection<MultiPolygon>;
const countyGeom = new Map(counties.features.map((f) => [String(f.properties?.adcode), f.geometry]));

let data: DemoData;
beforeAll(() => {
  data = generateDemoData(counties);
});

const feature = (g: MultiPolygon | Polygon): Feature<MultiPolygon | Polygon> => ({ type: 'Feature', properties: {}, geometry: g });
const byKind = (kind: CarrierSeed['kind']) => data.carriers.filter((c) => c.kind === kind);
const share = <T>(items: T[], pred: (x: T) => boolean) => items.filter(pred).length / items.length;

function expectValidMultiPolygon(g: MultiPolygon, label: string): void {
  expect(g.type, label).toBe('MultiPolygon');
  for (const poly of g.coordinates) {
    for (const ring of poly) {
      expect(ring.length, label).toBeGreaterThanOrEqual(4);
      expect(ring[0], label).toEqual(ring[ring.length - 1]);
      for (const p of ring) expect(Number.isFinite(p[0]) && Number.isFinite(p[1]), label).toBe(true);
    }
    expect(kinks({ type: 'Polygon', coordinates: poly }).features.length, `${label} self-intersects`).toBe(0);
  }
}

describe('generateDemoData', () => {
  it('is deterministic: two runs produce byte-identical JSON', () => {
    const again = generateDemoData(counties);
    expect(again).toEqual(data);
    expect(JSON.stringify(again)).toBe(JSON.stringify(data));
  });

  it('stays small enough to load at server start (its time is measured by the server log, not asserted here)', () => {
    expect(JSON.stringify(data).length).toBeLessThan(5_000_000);
  });

  it('produces the counts the demo promises', () => {
    expect(data.parks.length).toBeGreaterThanOrEqual(9);
    expect(data.carriers.length).toBeGreaterThanOrEqual(2000);
    for (const kind of ['land', 'factory', 'office'] as const) expect(byKind(kind).length, kind).toBeGreaterThan(0);
    expect(data.amenities.length).toBeGreaterThanOrEqual(600);
    const kinds = new Set(data.amenities.map((a) => a.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    expect([...kinds].sort()).toEqual(Object.keys(AMENITY_KINDS).sort());
  });

  it('mixes carrier kinds roughly 55 / 30 / 15 and statuses roughly 60 / 20 / 20', () => {
    const c = data.carriers;
    expect(share(c, (x) => x.kind === 'land')).toBeCloseTo(0.55, 1);
    expect(share(c, (x) => x.kind === 'factory')).toBeCloseTo(0.3, 1);
    expect(share(c, (x) => x.kind === 'office')).toBeCloseTo(0.15, 1);
    expect(share(c, (x) => x.status === 'available')).toBeCloseTo(0.6, 1);
    expect(share(c, (x) => x.status === 'reserved')).toBeCloseTo(0.2, 1);
    expect(share(c, (x) => x.status === 'occupied')).toBeCloseTo(0.2, 1);
    expect(share(c, (x) => x.review_state === 'published')).toBeGreaterThan(0.85);
    expect(share(c, (x) => x.review_state === 'verified')).toBeGreaterThan(0.03);
    expect(share(c, (x) => x.review_state === 'draft')).toBeGreaterThan(0.01);
  });

  it('uses unique codes everywhere', () => {
    for (const [label, codes] of [
      ['parks', data.parks.map((p) => p.code)],
      ['carriers', data.carriers.map((c) => c.code)],
      ['amenities', data.amenities.map((a) => a.code)],
    ] as const) {
      expect(new Set(codes).size, label).toBe(codes.length);
    }
  });
});

describe('admin areas', () => {
  it('holds Dazhou City and its 7 counties, each county a child of the city', () => {
    const city = data.adminAreas.filter((a) => a.level === 'city');
    expect(city.map((a) => [a.adcode, a.name_zh, a.name_en])).toEqual([['511700', '达州市', 'Dazhou City']]);
    const countyRows = data.adminAreas.filter((a) => a.level === 'county');
    expect(countyRows.map((a) => a.adcode).sort()).toEqual([...countyGeom.keys()].sort());
    for (const c of countyRows) expect(c.parent_adcode).toBe('511700');
  });

  it('makes the city the union of its counties (same area within 0.5 %, valid MultiPolygon)', () => {
    const city = data.adminAreas.find((a) => a.level === 'city')!;
    expectValidMultiPolygon(city.geom, 'city');
    const sum = counties.features.reduce((s, f) => s + area(f), 0);
    expect(Math.abs(area(city.geom) - sum) / sum).toBeLessThan(0.005);
  });
});

describe('parks', () => {
  it('lies wholly inside its county and stays clear of the other parks', () => {
    for (const p of data.parks) {
      expectValidMultiPolygon(p.geom, p.code);
      expect(booleanWithin(feature(p.geom), feature(countyGeom.get(p.county_adcode)!)), p.code).toBe(true);
    }
    for (let i = 0; i < data.parks.length; i++) {
      for (let j = i + 1; j < data.parks.length; j++) {
        expect(booleanIntersects(data.parks[i].geom, data.parks[j].geom), `${data.parks[i].code}/${data.parks[j].code}`).toBe(false);
      }
    }
  });

  it('is 1.5–6 km across and not a rectangle', () => {
    for (const p of data.parks) {
      const [x0, y0, x1, y1] = bbox(p.geom);
      const across = Math.max(distance([x0, y0], [x1, y0]), distance([x0, y0], [x0, y1])) * 1000;
      expect(across, p.code).toBeGreaterThan(1500);
      expect(across, p.code).toBeLessThan(6500);
      expect(p.geom.coordinates[0][0].length, p.code).toBeGreaterThan(6);
    }
  });

  it('puts the named parks in the right counties', () => {
    const county = (name: string) => data.parks.find((p) => p.name_zh.startsWith(name))?.county_adcode;
    expect(county('宣汉普光')).toBe('511722');
    expect(county('大竹')).toBe('511724');
    expect(county('渠县')).toBe('511725');
    expect(county('开江')).toBe('511723');
    expect(county('万源')).toBe('511781');
    expect(county('达州经济技术')).toBe('511703');
  });

  it('has bilingual intros, industries, a founding year and a well-formed 0818 phone', () => {
    for (const p of data.parks) {
      expect(p.intro_zh.length, p.code).toBeGreaterThan(40);
      expect(p.intro_en.length, p.code).toBeGreaterThan(80);
      expect(p.leading_industries.length, p.code).toBeGreaterThanOrEqual(2);
      expect(p.established_year, p.code).toBeGreaterThanOrEqual(1990);
      expect(p.contact_phone, p.code).toMatch(/^0818-\d{7}$/);
    }
  });

  it('keeps exactly one park in draft so visibility rules can be tested', () => {
    expect(data.parks.filter((p) => p.review_state === 'draft')).toHaveLength(1);
    expect(data.parks.filter((p) => p.review_state === 'published')).toHaveLength(data.parks.length - 1);
  });
});

describe('carriers', () => {
  it('lies inside its park and carries the park\'s county', () => {
    const parks = new Map(data.parks.map((p) => [p.code, p]));
    for (const c of data.carriers) {
      const park = parks.get(c.park_code);
      expect(park, c.code).toBeDefined();
      expect(c.county_adcode, c.code).toBe(park!.county_adcode);
      expect(booleanWithin(feature(c.geom), feature(park!.geom)), c.code).toBe(true);
    }
  });

  it('has valid, closed, NaN-free geometries', () => {
    for (const c of data.carriers) expectValidMultiPolygon(c.geom, c.code);
  });

  it('never overlaps another carrier of the same park', () => {
    const boxes = data.carriers.map((c) => ({ c, b: bbox(c.geom) }));
    let candidates = 0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.c.park_code !== b.c.park_code) continue;
        if (a.b[2] < b.b[0] || b.b[2] < a.b[0] || a.b[3] < b.b[1] || b.b[3] < a.b[1]) continue;
        candidates++;
        const overlap = intersect({ type: 'FeatureCollection', features: [feature(a.c.geom), feature(b.c.geom)] });
        expect(overlap ? area(overlap) : 0, `${a.c.code} × ${b.c.code}`).toBe(0);
      }
    }
    // Rotated grids make neighbouring bounding boxes overlap, so the exact check did run.
    expect(candidates).toBeGreaterThan(100);
  });

  it('sizes land parcels at 10–150 亩, factories at 1,500–12,000 m² and office towers at 600–2,500 m²', () => {
    for (const c of byKind('land')) {
      const mu = area(c.geom) / MU_M2;
      expect(mu, c.code).toBeGreaterThanOrEqual(10);
      expect(mu, c.code).toBeLessThanOrEqual(150);
    }
    for (const c of byKind('factory')) {
      expect(area(c.geom), c.code).toBeGreaterThanOrEqual(1500);
      expect(area(c.geom), c.code).toBeLessThanOrEqual(12000);
    }
    for (const c of byKind('office')) {
      expect(area(c.geom), c.code).toBeGreaterThanOrEqual(600);
      expect(area(c.geom), c.code).toBeLessThanOrEqual(2500);
    }
  });

  it('gives land parcels zoning, a price per 亩 and 标准地 indicators in the usual ranges', () => {
    for (const c of byKind('land')) {
      expect(Object.keys(LAND_USE), c.code).toContain(c.land_use);
      expect(c.price_unit).toBe('万元/亩');
      if (c.land_use?.startsWith('M') || c.land_use === 'W1') {
        expect(c.price!, c.code).toBeGreaterThanOrEqual(15);
        expect(c.price!, c.code).toBeLessThanOrEqual(40);
      }
      expect(c.plot_ratio_min!, c.code).toBeGreaterThanOrEqual(1.0);
      expect(c.plot_ratio_min!, c.code).toBeLessThanOrEqual(c.plot_ratio_max!);
      expect(c.plot_ratio_max!, c.code).toBeLessThanOrEqual(3.0);
      expect(c.building_coefficient_pct!, c.code).toBeGreaterThanOrEqual(40);
      expect(c.investment_intensity_wan_per_mu!, c.code).toBeGreaterThanOrEqual(150);
      expect(c.investment_intensity_wan_per_mu!, c.code).toBeLessThanOrEqual(400);
      expect(c.output_per_mu_wan!, c.code).toBeGreaterThanOrEqual(200);
      expect(c.output_per_mu_wan!, c.code).toBeLessThanOrEqual(600);
      expect(c.tax_per_mu_wan!, c.code).toBeGreaterThanOrEqual(8);
      expect(c.tax_per_mu_wan!, c.code).toBeLessThanOrEqual(30);
      expect(c.floors, c.code).toBeNull();
    }
  });

  it('makes building height, floors and floor area consistent', () => {
    for (const c of byKind('factory')) {
      expect(c.floors!, c.code).toBeGreaterThanOrEqual(1);
      expect(c.floors!, c.code).toBeLessThanOrEqual(4);
      if (c.floors === 1) {
        expect(c.building_height_m!, c.code).toBeGreaterThanOrEqual(8);
        expect(c.building_height_m!, c.code).toBeLessThanOrEqual(12);
      } else {
        expect(c.building_height_m! / c.floors!, c.code).toBeGreaterThanOrEqual(4.45);
        expect(c.building_height_m! / c.floors!, c.code).toBeLessThanOrEqual(6.05);
      }
      expect(c.clear_height_m!, c.code).toBeLessThan(c.building_height_m!);
      expect(c.floor_load_kn_m2!, c.code).toBeGreaterThanOrEqual(8);
      expect(c.floor_load_kn_m2!, c.code).toBeLessThanOrEqual(30);
      if (c.price_unit === '元/m²·月') {
        expect(c.price!, c.code).toBeGreaterThanOrEqual(8);
        expect(c.price!, c.code).toBeLessThanOrEqual(18);
      }
    }
    for (const c of byKind('office')) {
      expect(c.floors!, c.code).toBeGreaterThanOrEqual(5);
      expect(c.floors!, c.code).toBeLessThanOrEqual(30);
      expect(c.building_height_m! / c.floors!, c.code).toBeGreaterThanOrEqual(3.55);
      expect(c.building_height_m! / c.floors!, c.code).toBeLessThanOrEqual(4.05);
      if (c.price_unit === '元/m²·月') {
        expect(c.price!, c.code).toBeGreaterThanOrEqual(20);
        expect(c.price!, c.code).toBeLessThanOrEqual(45);
      }
    }
    for (const c of [...byKind('factory'), ...byKind('office')]) {
      const expected = area(c.geom) * c.floors!;
      expect(Math.abs(c.floor_area_m2! - expected) / expected, c.code).toBeLessThan(0.01);
    }
  });
});

describe('amenities', () => {
  it('lies inside Dazhou with county_adcode set by point-in-polygon', () => {
    for (const a of data.amenities) {
      const hits = [...countyGeom].filter(([, g]) => booleanPointInPolygon(a.geom.coordinates, g)).map(([code]) => code);
      expect(hits, `${a.code} ${a.name}`).toEqual([a.county_adcode]);
    }
  });

  it('includes the rail stations of the county towns and expressway exits', () => {
    const names = (kind: string) => data.amenities.filter((a) => a.kind === kind).map((a) => a.name);
    expect(names('rail_station')).toEqual(expect.arrayContaining(['达州站', '达州南站', '宣汉站', '渠县站', '大竹站', '万源站']));
    expect(names('highway_exit')).toEqual(expect.arrayContaining(['达州西收费站', '大竹收费站']));
    expect(names('highway_exit').length).toBeGreaterThanOrEqual(8);
  });

  it('serves every county and every park', () => {
    const perCounty = new Set(data.amenities.map((a) => a.county_adcode));
    expect([...perCounty].sort()).toEqual([...countyGeom.keys()].sort());
    for (const p of data.parks) {
      const inside = data.amenities.filter((a) => booleanPointInPolygon(a.geom.coordinates, p.geom));
      expect(inside.length, p.code).toBeGreaterThanOrEqual(5);
    }
  });

  it('is published except a few drafts, with a name and an address', () => {
    const drafts = data.amenities.filter((a) => a.review_state === 'draft').length;
    expect(drafts).toBeGreaterThan(0);
    expect(drafts / data.amenities.length).toBeLessThan(0.05);
    expect(data.amenities.every((a) => a.review_state === 'published' || a.review_state === 'draft')).toBe(true);
    for (const a of data.amenities) {
      expect(a.name.length, a.code).toBeGreaterThan(1);
      expect(a.address, a.code).toMatch(/^四川省达州市/);
    }
  });
});

describe('industries in English', () => {
  it('every industry a demo park hosts or a demo carrier allows has an English name', () => {
    const used = new Set([...data.parks.flatMap((p) => p.leading_industries), ...data.carriers.flatMap((c) => c.allowed_industries)]);
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((i) => !INDUSTRY_EN[i])).toEqual([]);
  });
});
