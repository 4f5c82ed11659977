/**
 * The generated demo carriers and amenities as the survey files a surveyor would upload: one
 * GeoJSON file per layer, attributes under the Chinese headers of a real parcel table (地块编号,
 * 用地性质, 容积率, 招商状态, 县区 …, see survey-import/mapping/dictionaries.ts) and values as such
 * tables write them (状态 可招商/洽谈中/已入驻, 天然气 有/无, industries joined by 、). The import's
 * field mapping reads them back into exactly the generated values; `demo-survey.test.ts` checks
 * that, row by row, without a database.
 *
 * Nothing here is stored as is: the files go through the survey import (stage, commit, review) like
 * a user's upload (demo.service.ts).
 */
import type { Feature, FeatureCollection } from 'geojson';
import { AMENITY_KINDS } from '../../layers/catalog.ts';
import { DAZHOU_COUNTIES } from '../../survey-import/mapping/dictionaries.ts';
import type { AmenitySeed, CarrierSeed } from './seed-types.ts';

/** Import layer of each carrier kind. */
export const LAYER_OF_KIND = { land: 'land', factory: 'factories', office: 'offices' } as const;

/** Survey-file words for the carrier statuses (招商状态). */
const STATUS_WORD: Record<CarrierSeed['status'], string> = { available: '可招商', reserved: '洽谈中', occupied: '已入驻' };

const COUNTY_NAME = new Map(DAZHOU_COUNTIES.map((c) => [c.adcode, c.names[0]!]));

/** One carrier as a row of a survey table: header → value, empty cells left out. */
export function carrierSurveyRow(c: CarrierSeed): Record<string, string | number> {
  const land = c.kind === 'land';
  const row: Record<string, string | number | null> = {
    // Land parcels carry a parcel number (地块编号), buildings a carrier number (载体编号).
    [land ? '地块编号' : '载体编号']: c.code,
    [land ? '地块名称' : '载体名称']: c.name,
    英文名称: c.name_en,
    县区: COUNTY_NAME.get(c.county_adcode) ?? c.county_adcode,
    用地性质: c.land_use,
    产业类型: c.allowed_industries.join('、'),
    招商状态: STATUS_WORD[c.status],
    价格: c.price,
    价格单位: c.price_unit,
    层数: c.floors,
    建筑面积: c.floor_area_m2,
    荷载: c.floor_load_kn_m2,
    净高: c.clear_height_m,
    建筑高度: c.building_height_m,
    建筑系数: c.building_coefficient_pct,
    投资强度: c.investment_intensity_wan_per_mu,
    亩均产出: c.output_per_mu_wan,
    亩均税收: c.tax_per_mu_wan,
    供电: c.power_kva,
    供水: c.water_t_per_day,
    天然气: c.gas === null ? null : c.gas ? '有' : '无',
    权属: c.ownership,
    联系人: c.contact_name,
    联系电话: c.contact_phone,
    交付时间: c.available_from,
    备注: c.description,
    英文说明: c.description_en,
  };
  // 容积率 as parcel tables write it: a range "1.1-2.9", or one bound.
  if (c.plot_ratio_min !== null || c.plot_ratio_max !== null) {
    row.容积率 = c.plot_ratio_min !== null && c.plot_ratio_max !== null ? `${c.plot_ratio_min}-${c.plot_ratio_max}`
      : c.plot_ratio_min !== null ? `≥${c.plot_ratio_min}` : `≤${c.plot_ratio_max}`;
  }
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== '')) as Record<string, string | number>;
}

/** One amenity as a row of a points-of-interest table (编号, 名称, 类型, 地址). */
export function amenitySurveyRow(a: AmenitySeed): Record<string, string> {
  const row: Record<string, string | null> = {
    编号: a.code, 名称: a.name, 类型: AMENITY_KINDS[a.kind]?.zh ?? a.kind, 地址: a.address,
    县区: a.county_adcode === null ? null : COUNTY_NAME.get(a.county_adcode) ?? a.county_adcode,
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== '')) as Record<string, string>;
}

/** A survey file: its name and bytes, as an upload carries them. */
export interface SurveyFile {
  layer: 'land' | 'factories' | 'offices' | 'amenities';
  name: string;
  bytes: Uint8Array;
  /** Codes of the features in the file, in file order. */
  codes: string[];
}

function geojsonFile(layer: SurveyFile['layer'], features: Feature[], codes: string[]): SurveyFile {
  const fc: FeatureCollection = { type: 'FeatureCollection', features };
  return { layer, name: `dazhou-demo-${layer}.geojson`, bytes: new TextEncoder().encode(JSON.stringify(fc)), codes };
}

/**
 * The survey files of the demo: land, factories and offices (carriers in generated order) and
 * amenities. Empty layers get no file.
 */
export function demoSurveyFiles(carriers: readonly CarrierSeed[], amenities: readonly AmenitySeed[]): SurveyFile[] {
  const files: SurveyFile[] = [];
  for (const [kind, layer] of Object.entries(LAYER_OF_KIND) as [CarrierSeed['kind'], SurveyFile['layer']][]) {
    const of = carriers.filter((c) => c.kind === kind);
    if (!of.length) continue;
    files.push(geojsonFile(layer, of.map((c) => ({ type: 'Feature', properties: carrierSurveyRow(c), geometry: c.geom })), of.map((c) => c.code)));
  }
  if (amenities.length) {
    files.push(geojsonFile('amenities', amenities.map((a) => ({ type: 'Feature', properties: amenitySurveyRow(a), geometry: a.geom })), amenities.map((a) => a.code)));
  }
  return files;
}
