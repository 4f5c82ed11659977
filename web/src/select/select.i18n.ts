/**
 * UI strings of the site-selection page (zh default, en), in the shared language setting
 * (`getLang` / `setLang` of shared/i18n.service.ts).
 */
import { getLang } from '../shared/i18n.service.ts';

const S = {
  title: { zh: '智能选址', en: 'Site selection' },
  proposalTitle: { zh: '载体推荐方案', en: 'Site proposal' },
  preparedFor: { zh: '致：{name}', en: 'Prepared for {name}' },
  layers: { zh: '载体类型', en: 'Carrier types' },
  land: { zh: '土地', en: 'Land' },
  factories: { zh: '标准厂房', en: 'Factories' },
  offices: { zh: '写字楼', en: 'Offices' },
  areaMu: { zh: '面积（亩）', en: 'Area (mu)' },
  min: { zh: '最小', en: 'min' },
  max: { zh: '最大', en: 'max' },
  priceMax: { zh: '最高价格（按载体计价单位）', en: 'Max price (carrier\'s own unit)' },
  industry: { zh: '产业', en: 'Industry' },
  powerKvaMin: { zh: '供电 ≥ kVA', en: 'Power ≥ kVA' },
  gas: { zh: '需天然气', en: 'Needs natural gas' },
  maxDistance: { zh: '最远距离（米）', en: 'Max distance (m)' },
  weights: { zh: '权重（%，合计 100）', en: 'Weights (%, total 100)' },
  weightSum: { zh: '合计 {n}%', en: 'Total {n}%' },
  drawArea: { zh: '绘制范围', en: 'Draw area' },
  finishArea: { zh: '完成绘制', en: 'Finish area' },
  clearArea: { zh: '清除范围', en: 'Clear area' },
  drawHint: { zh: '在地图上依次点击绘制多边形，点“完成绘制”结束', en: 'Click on the map to add corners, then “Finish area”' },
  search: { zh: '查询', en: 'Search' },
  matched: { zh: '符合条件 {n} 处', en: '{n} matching sites' },
  score: { zh: '得分', en: 'Score' },
  compare: { zh: '对比', en: 'Compare' },
  compareTitle: { zh: '载体对比（最多 4 处）', en: 'Compare (up to 4)' },
  shortlist: { zh: '加入推荐', en: 'Shortlist' },
  clientName: { zh: '客户名称', en: 'Client name' },
  saveShortlist: { zh: '保存推荐方案', en: 'Save shortlist' },
  shareLink: { zh: '生成分享链接', en: 'Create share link' },
  revoke: { zh: '撤销链接', en: 'Revoke link' },
  saved: { zh: '已保存（编号 {id}）', en: 'Saved (no. {id})' },
  linkReady: { zh: '分享链接（{date} 前有效）：', en: 'Share link (valid until {date}):' },
  signInNeeded: { zh: '请先以招商专员身份登录（首页右上角）', en: 'Sign in as an officer first (top right of the map page)' },
  print: { zh: '打印 / 导出 PDF', en: 'Print / save as PDF' },
  nearest: { zh: '周边配套（最近距离）', en: 'Nearest amenities' },
  indicators: { zh: '主要指标', en: 'Key indicators' },
  park: { zh: '所属园区', en: 'Park' },
  note: { zh: '推荐理由', en: 'Why this site' },
  linkGone: { zh: '该分享链接不存在、已过期或已撤销。', en: 'This link does not exist, has expired or was revoked.' },
  noResults: { zh: '没有符合条件的载体', en: 'No site matches' },
  error: { zh: '出错：', en: 'Error: ' },
  language: { zh: 'EN', en: '中' },
} as const;

/** Keys of the page's strings. */
export type SelectKey = keyof typeof S;

/** A string of this page in the current language; `{name}` placeholders from `params`. */
export function st(key: SelectKey, params?: Record<string, string | number>): string {
  let s: string = S[key][getLang()];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Labels of criteria and amenity kinds used on this page. */
export const CRITERION_LABELS: Record<string, { zh: string; en: string }> = {
  area: { zh: '面积', en: 'Area' }, price: { zh: '价格', en: 'Price' }, power: { zh: '供电', en: 'Power' },
  water: { zh: '供水', en: 'Water' }, plot_ratio: { zh: '容积率', en: 'Plot ratio' }, floor_load: { zh: '楼面荷载', en: 'Floor load' },
  clear_height: { zh: '净高', en: 'Clear height' }, investment_intensity: { zh: '投资强度门槛', en: 'Investment threshold' },
  output_per_mu: { zh: '亩均产出门槛', en: 'Output threshold' },
};
