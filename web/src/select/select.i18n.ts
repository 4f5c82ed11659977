/**
 * UI strings of the site-selection page (zh default, en), in the shared language setting
 * (`getLang` / `setLang` of shared/i18n.service.ts).
 */
import { getLang } from '../shared/i18n.service.ts';

const S = {
  title: { zh: '智能选址', en: 'Site selection' },
  subtitle: { zh: '达州市招商载体资源', en: 'Dazhou investment carriers' },
  mapLink: { zh: '地图', en: 'Map' },
  proposalTitle: { zh: '载体推荐方案', en: 'Site proposal' },
  preparedFor: { zh: '致：{name}', en: 'Prepared for {name}' },
  preparedBy: { zh: '达州市投资促进局', en: 'Dazhou Investment Promotion Bureau' },
  proposalIntro: { zh: '根据贵方需求，我们从已校核发布的载体中推荐以下 {n} 处，供实地考察参考。', en: 'Based on your requirements, we recommend the following {n} published sites for your site visit.' },
  validUntil: { zh: '链接有效期至 {date}', en: 'Link valid until {date}' },
  brief: { zh: '选址需求', en: 'Client brief' },
  layers: { zh: '载体类型', en: 'Carrier types' },
  land: { zh: '土地', en: 'Land' },
  factories: { zh: '标准厂房', en: 'Factories' },
  offices: { zh: '写字楼', en: 'Offices' },
  areaMu: { zh: '面积（亩）', en: 'Area (mu)' },
  min: { zh: '最小', en: 'min' },
  max: { zh: '最大', en: 'max' },
  priceMax: { zh: '最高价格', en: 'Max price' },
  priceHint: { zh: '按载体自身计价单位（土地 万元/亩）', en: 'In the carrier\'s own unit (land: 万元/亩)' },
  industry: { zh: '产业', en: 'Industry' },
  industryAny: { zh: '不限', en: 'Any' },
  powerKvaMin: { zh: '供电 ≥（kVA）', en: 'Power ≥ (kVA)' },
  gas: { zh: '需接通天然气', en: 'Needs natural gas' },
  maxDistance: { zh: '距离上限（米，从地块边界起算）', en: 'Max distance (m, from the site boundary)' },
  weights: { zh: '评分权重', en: 'Scoring weights' },
  weightSum: { zh: '合计 {n}%', en: 'Total {n}%' },
  weightSumBad: { zh: '合计 {n}%，需为 100%', en: 'Total {n}% — must be 100%' },
  drawArea: { zh: '绘制范围', en: 'Draw area' },
  finishArea: { zh: '完成绘制', en: 'Finish area' },
  clearArea: { zh: '清除范围', en: 'Clear area' },
  areaSet: { zh: '已限定在绘制范围内', en: 'Limited to the drawn area' },
  drawHint: { zh: '在地图上依次点击多边形顶点，再点“完成绘制”', en: 'Click the map to add corners, then “Finish area”' },
  search: { zh: '开始选址', en: 'Find sites' },
  searching: { zh: '正在选址…', en: 'Searching…' },
  matched: { zh: '符合条件 {n} 处', en: '{n} matching sites' },
  shownTop: { zh: '显示前 {n} 处，按得分排序', en: 'Top {n}, ranked by score' },
  score: { zh: '得分', en: 'Score' },
  points: { zh: '分', en: 'pts' },
  why: { zh: '得分说明', en: 'Why this score' },
  criterion: { zh: '指标', en: 'Criterion' },
  value: { zh: '数值', en: 'Value' },
  contribution: { zh: '贡献', en: 'Points' },
  passes: { zh: '满足', en: 'meets' },
  explainFormula: { zh: '得分 = Σ 权重 × 指标分 ÷ 100；指标分为候选集内的最小-最大归一化（0–100）。', en: 'Score = Σ weight × criterion score ÷ 100; criterion scores are min–max normalised over all matching sites (0–100).' },
  compare: { zh: '对比', en: 'Compare' },
  compareFull: { zh: '最多对比 4 处', en: 'Compare up to 4' },
  compareTitle: { zh: '载体对比', en: 'Compare sites' },
  compareHint: { zh: '勾选 2–4 处“对比”查看并排比较', en: 'Tick “Compare” on 2–4 sites to see them side by side' },
  closeCompare: { zh: '清空对比', en: 'Clear' },
  shortlist: { zh: '加入推荐', en: 'Shortlist' },
  shortlisted: { zh: '已加入', en: 'Shortlisted' },
  shortlistTitle: { zh: '推荐方案', en: 'Shortlist' },
  picked: { zh: '已选 {n} 处', en: '{n} sites picked' },
  pickHint: { zh: '在结果中点“加入推荐”挑选载体', en: 'Pick sites with “Shortlist” in the results' },
  clientName: { zh: '客户名称', en: 'Client name' },
  saveShortlist: { zh: '保存推荐方案', en: 'Save shortlist' },
  needClient: { zh: '请填写客户名称', en: 'Enter the client\'s name' },
  needSites: { zh: '请至少选择 1 处载体', en: 'Pick at least one site' },
  shareLink: { zh: '生成分享链接', en: 'Create share link' },
  copy: { zh: '复制', en: 'Copy' },
  copied: { zh: '已复制', en: 'Copied' },
  open: { zh: '打开', en: 'Open' },
  revoke: { zh: '撤销链接', en: 'Revoke link' },
  revoked: { zh: '链接已撤销', en: 'Link revoked' },
  saved: { zh: '已保存：{client}（{n} 处，编号 {id}）', en: 'Saved: {client} ({n} sites, no. {id})' },
  linkReady: { zh: '分享链接，{date} 前有效：', en: 'Share link, valid until {date}:' },
  signInTitle: { zh: '招商专员登录', en: 'Officer sign-in' },
  signInIntro: { zh: '智能选址供招商专员为客户挑选载体、生成推荐方案。', en: 'Site selection lets officers pick sites for a client and share a proposal.' },
  notOfficer: { zh: '当前账号（{role}）不能使用智能选址，请以招商专员身份登录。', en: 'This account ({role}) cannot use site selection; sign in as an officer.' },
  print: { zh: '打印 / 导出 PDF', en: 'Print / save as PDF' },
  nearest: { zh: '周边配套', en: 'Nearby amenities' },
  indicators: { zh: '主要指标', en: 'Key indicators' },
  outline: { zh: '地块示意', en: 'Site outline' },
  park: { zh: '所属园区', en: 'Park' },
  note: { zh: '推荐理由', en: 'Why this site' },
  contents: { zh: '推荐载体一览', en: 'Sites at a glance' },
  site: { zh: '载体', en: 'Site' },
  location: { zh: '位置', en: 'Location' },
  linkGone: { zh: '该分享链接不存在、已过期或已撤销。', en: 'This link does not exist, has expired or was revoked.' },
  noResults: { zh: '没有符合条件的载体，请放宽条件', en: 'No site matches; relax the brief' },
  error: { zh: '出错：', en: 'Error: ' },
  language: { zh: 'EN', en: '中' },
  page: { zh: '第 {n} 页', en: 'Page {n}' },
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

/** Distance in metres as a short text: "850 m", "3.2 km". */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}
