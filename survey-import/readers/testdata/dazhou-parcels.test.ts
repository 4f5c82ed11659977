/**
 * End to end on our own Dazhou parcels (CGCS2000 / 3-degree GK CM 108E, EPSG:4545): read the
 * GeoJSON (Chinese headers) and the zipped Shapefile (pinyin headers, GBK DBF), then map the
 * attributes onto carrier columns, and compare the declared areas with the geometry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { declaredAreaIssue, mapCarrierAttributes } from '../../mapping/field-mapping.ts';
import { readFiles } from '../index.ts';
import { buildGeoJson, buildShapefileZip, TESTDATA_DIR } from './make-dazhou-parcels.ts';

const load = (name: string) => ({ name, bytes: new Uint8Array(fs.readFileSync(path.join(TESTDATA_DIR, name))) });

/** Shoelace area of a projected polygon's outer ring, in m² (coordinates are metres). */
function shoelace(p: Polygon): number {
  const r = p.coordinates[0]!;
  let s = 0;
  for (let i = 0; i < r.length - 1; i++) s += r[i]![0]! * r[i + 1]![1]! - r[i + 1]![0]! * r[i]![1]!;
  return Math.abs(s) / 2;
}

const expected = [
  {
    code: 'DZ-TC-2024-001', name: '达州高新区金龙大道东侧地块', area_declared_m2: 100000 / 3, land_use: 'M2', plot_ratio_min: 1.2, plot_ratio_max: 2.5,
    building_coefficient_pct: 40, investment_intensity_wan_per_mu: 300, power_kva: 10000, water_t_per_day: 5000, gas: true,
    ownership: '达州市国有土地', contact_name: '张明', contact_phone: '0818-2345678', price: 15, price_unit: '万元/亩', status: 'available', county_adcode: '511702',
  },
  {
    code: 'DZ-TC-2024-002', name: '秦巴物流园三期', area_declared_m2: 60000, land_use: 'W1', plot_ratio_min: 1, plot_ratio_max: 2,
    building_coefficient_pct: 50, investment_intensity_wan_per_mu: 200, power_kva: 5000, water_t_per_day: 2000, gas: false,
    ownership: '达州市国有土地', contact_name: '李华', contact_phone: '13800000000', price: 12, price_unit: '万元/亩', status: 'reserved', county_adcode: '511702',
  },
];

describe('Dazhou parcel test data', () => {
  it('the committed files are exactly what make-dazhou-parcels.ts builds', () => {
    expect(load('dazhou_parcels_4545.geojson').bytes).toEqual(new TextEncoder().encode(buildGeoJson()));
    expect(load('dazhou_parcels_gbk_4545.zip').bytes).toEqual(buildShapefileZip());
  });

  it.each([
    ['dazhou_parcels_4545.geojson', 'crs member'],
    ['dazhou_parcels_gbk_4545.zip', '.prj: CGCS2000_3_Degree_GK_CM_108E'],
  ])('%s reads as 3 parcels in EPSG:4545 and maps onto carrier columns', async (file, crsSource) => {
    const [r] = await readFiles([load(file)]);
    expect(r!.crs).toBe('EPSG:4545');
    expect(r!.crsSource).toContain(crsSource);
    expect(r!.errors).toEqual([]);
    expect(r!.warnings).toEqual([]); // GBK comes from .cpg: no guessing needed
    expect(r!.items).toHaveLength(3);
    const ring = (r!.items[0]!.geometry as Polygon).coordinates[0]!;
    expect(ring.every(([x, y]) => x! >= 451500 && x! <= 452900 && y! >= 3453000 && y! <= 3453500)).toBe(true);

    const mapped = r!.items.map((i) => mapCarrierAttributes(i.properties, { file: i.file, index: i.index, where: i.where }));
    mapped.slice(0, 2).forEach((m, k) => {
      const { area_declared_m2, ...rest } = expected[k]!;
      expect(m.values).toMatchObject(rest);
      expect(m.values.area_declared_m2).toBeCloseTo(area_declared_m2, 6);
      expect(m.unmapped).toEqual([]);
      expect(m.issues).toEqual([]);
    });
    // Parcel 3: 容积率 "待定" (to be decided) is reported with its field and value, nothing else is lost.
    const third = mapped[2]!;
    expect(third.values).toMatchObject({ code: 'DZ-TC-2024-003', land_use: 'B2', gas: true, status: 'occupied', county_adcode: '511722' });
    expect(third.issues.map((i) => [i.where, i.field, i.value])).toEqual([['feature 3', file.endsWith('.zip') ? 'RJL' : '容积率', '待定']]);

    // Declared areas agree with the geometry (rectangles sized to 50 亩, 6 公顷, 12 亩).
    r!.items.forEach((item, k) => {
      const geometric = shoelace(item.geometry as Polygon);
      expect(declaredAreaIssue(mapped[k]!.values.area_declared_m2!, geometric, item)).toBeNull();
    });
  });
});
