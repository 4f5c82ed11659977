/** The finder page's strings, Chinese and English (the shared ones come from i18n.service). */
import { getLang } from '../shared/i18n.service.ts';

const S = {
  title: { zh: '找载体', en: 'Site finder' },
  titleLong: { zh: '找载体 · 土地、厂房、写字楼', en: 'Site finder · land, factories, offices' },
  placeholder: { zh: '园区、地块、编号、县市区（如 gxq、高新区、渠县）', en: 'Park, site, code, county (e.g. gxq, hi-tech, Qu County)' },
  search: { zh: '搜索', en: 'Search' },
  all: { zh: '全部', en: 'All' },
  land: { zh: '土地', en: 'Land' },
  factory: { zh: '标准厂房', en: 'Factories' },
  office: { zh: '写字楼', en: 'Offices' },
  filters: { zh: '筛选', en: 'Filters' },
  county: { zh: '县（市、区）', en: 'County' },
  anyCounty: { zh: '全部县市区', en: 'All counties' },
  park: { zh: '园区', en: 'Park' },
  anyPark: { zh: '全部园区', en: 'All parks' },
  area: { zh: '面积', en: 'Area' },
  price: { zh: '价格', en: 'Price' },
  priceUnit: { zh: '价格单位', en: 'Price unit' },
  anyPrice: { zh: '不限价格', en: 'Any price' },
  min: { zh: '最小', en: 'min' },
  max: { zh: '最大', en: 'max' },
  industry: { zh: '产业', en: 'Industry' },
  anyIndustry: { zh: '全部产业', en: 'All industries' },
  sort: { zh: '排序', en: 'Sort' },
  sortRelevance: { zh: '相关度', en: 'Relevance' },
  sortArea: { zh: '面积从小到大', en: 'Area, smallest first' },
  sortAreaDesc: { zh: '面积从大到小', en: 'Area, largest first' },
  sortPrice: { zh: '价格从低到高', en: 'Price, lowest first' },
  sortPriceDesc: { zh: '价格从高到低', en: 'Price, highest first' },
  clear: { zh: '清除条件', en: 'Clear' },
  found: { zh: '共 {n} 处可招商载体', en: '{n} available sites' },
  foundNone: { zh: '没有符合条件的载体，试试更短的关键词或清除筛选条件', en: 'No site matches; try a shorter word or clear the filters' },
  places: { zh: '相关园区和县市区', en: 'Parks and counties' },
  sitesIn: { zh: '{n} 处', en: '{n} sites' },
  parkCard: { zh: '园区名片', en: 'Park card' },
  interested: { zh: '我有意向', en: "I'm interested" },
  prev: { zh: '上一页', en: 'Previous' },
  next: { zh: '下一页', en: 'Next' },
  pageOf: { zh: '第 {p} / {n} 页', en: 'Page {p} of {n}' },
  noEnglish: { zh: '', en: 'No English name recorded; Chinese name shown' },
  zhMark: { zh: '', en: 'zh' },
  floors: { zh: '{n} 层', en: '{n} floors' },
  oneFloor: { zh: '1 层', en: '1 floor' },
  floorArea: { zh: '建筑面积', en: 'floor area' },
  failed: { zh: '搜索失败：', en: 'Search failed: ' },
  resultsLabel: { zh: '搜索结果', en: 'Results' },
  showMap: { zh: '地图', en: 'Map' },
} as const;

export type FindKey = keyof typeof S;

/** A finder string in the current language; `{name}` placeholders filled from `params`. */
export function ft(key: FindKey, params?: Record<string, string | number>): string {
  let s: string = S[key][getLang()];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Price units in the current language. */
export function priceUnitLabel(unit: string): string {
  if (getLang() === 'zh') return unit;
  return ({ '万元/亩': '10k CNY/mu', '元/m²': 'CNY/m²', '元/m²·月': 'CNY/m²/month' } as Record<string, string>)[unit] ?? unit;
}
