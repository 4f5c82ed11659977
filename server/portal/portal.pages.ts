/**
 * Server-rendered portal pages in zh-CN or English: the landing page (city figures, industries,
 * park directory, search) and a park's cloud card (cover, key figures, indicators, distances,
 * carriers, contact with `tel:` link, QR code, enquiry form, print layout). The HTML is complete
 * without JavaScript — link previews read the Open Graph tags, phones paint before any script —
 * and `web/src/portal/*` adds search-as-you-type, the lazily loaded map and form submission.
 */
import { pinyin } from 'pinyin-pro';
import { findLayer, LAND_USE as LAND_USE_CODES } from '../../layers/catalog.ts';
import { unitOf } from '../../layers/definition.ts';
import { esc, fmtDistance, fmtFloorArea, fmtLandArea, fmtNumber, fmtPrice, type Lang } from './format.ts';
import type { CardCarrier, Landing, ParkCard, ParkSummary } from './portal.service.ts';
import type { Policy } from '../policies/policies.service.ts';
import { ENQUIRY_LIMITS } from '../enquiries/enquiry.input.ts';
import { hrefInLang, pageHeaderHtml } from '../../ui/page-header.ts';

const S = {
  site: { zh: '达州投资地图', en: 'Dazhou Investment Map' },
  tagline: { zh: '川渝陕结合部的区域中心城市 · 天然气、锂钾资源富集 · 找地、找厂房、找楼宇', en: 'A regional hub where Sichuan, Chongqing and Shaanxi meet · rich in natural gas, lithium and potassium · find land, factories and offices' },
  siteShort: { zh: '达州投资地图', en: 'Dazhou Investment' },
  searchPlaceholder: { zh: '搜索园区、产业、县市区（如 gxq、高新区、电子信息）', en: 'Search parks, industries, counties (e.g. hi-tech, gxq, electronics)' },
  search: { zh: '搜索', en: 'Search' },
  figCounties: { zh: '县（市、区）', en: 'counties & districts' },
  figParks: { zh: '产业园区', en: 'industrial parks' },
  figLand: { zh: '可招商土地', en: 'land available' },
  figFactories: { zh: '可租售标准厂房', en: 'standard factory space available' },
  figOffices: { zh: '可租售楼宇', en: 'office space available' },
  parcels: { zh: '宗', en: 'parcels' },
  buildings: { zh: '栋', en: 'buildings' },
  industries: { zh: '主导产业', en: 'Leading industries' },
  industriesNote: { zh: '按承载园区数量排序', en: 'by the number of parks hosting them' },
  parks: { zh: '园区名录', en: 'Park directory' },
  noMatch: { zh: '没有匹配的园区', en: 'No park matches' },
  staff: { zh: '工作人员入口', en: 'Staff' },
  inbox: { zh: '投资意向受理', en: 'Enquiry inbox' },
  footer: { zh: '数据来自已校核发布的载体资源；演示数据为生成数据。', en: 'Figures come from reviewed, published carrier data; the demo data is generated.' },
  available: { zh: '可招商', en: 'Available' },
  land: { zh: '土地', en: 'Land' },
  factories: { zh: '标准厂房', en: 'Standard factories' },
  offices: { zh: '写字楼', en: 'Offices' },
  plannedArea: { zh: '规划面积', en: 'Planned area' },
  established: { zh: '设立', en: 'Established' },
  interested: { zh: '我有意向', en: "I'm interested" },
  call: { zh: '致电招商', en: 'Call' },
  print: { zh: '打印 / 保存 PDF', en: 'Print / save PDF' },
  onMap: { zh: '在地图中查看', en: 'View on the map' },
  intro: { zh: '园区简介', en: 'About the park' },
  indicators: { zh: '标准地指标与配套', en: 'Standard-land indicators & utilities' },
  intensity: { zh: '亩均投资强度', en: 'Investment intensity' },
  output: { zh: '亩均产出', en: 'Output per mu' },
  tax: { zh: '亩均税收', en: 'Tax per mu' },
  power: { zh: '供电容量（最高）', en: 'Power supply (up to)' },
  water: { zh: '供水能力（最高）', en: 'Water supply (up to)' },
  gas: { zh: '天然气', en: 'Natural gas' },
  yes: { zh: '已通', en: 'Connected' },
  no: { zh: '未通', en: 'Not connected' },
  location: { zh: '交通区位', en: 'Location' },
  highway_exit: { zh: '高速出入口', en: 'Expressway exit' },
  rail_station: { zh: '火车站', en: 'Rail station' },
  government: { zh: '政务服务中心', en: 'Government service centre' },
  logistics: { zh: '物流园', en: 'Logistics hub' },
  contact: { zh: '招商联系', en: 'Investment contact' },
  scan: { zh: '扫码打开园区云名片', en: 'Scan to open this park card' },
  parkMap: { zh: '园区地图', en: 'Park map' },
  legendLand: { zh: '可招商土地', en: 'Available land' },
  legendFactory: { zh: '标准厂房', en: 'Standard factory' },
  legendOffice: { zh: '写字楼', en: 'Office' },
  carriers: { zh: '可招商载体', en: 'Available sites' },
  noCarriers: { zh: '暂无可招商载体，欢迎来电咨询。', en: 'No site is available right now; call us to ask.' },
  moreOnline: { zh: '另有 {n} 处，详见线上名片', en: '{n} more online' },
  landUse: { zh: '用地性质', en: 'Land use' },
  floors: { zh: '层', en: 'floors' },
  floor: { zh: '层', en: 'floor' },
  from: { zh: '可交付', en: 'from' },
  plotRatio: { zh: '容积率', en: 'Plot ratio' },
  clearHeight: { zh: '净高', en: 'Clear height' },
  floorLoad: { zh: '荷载', en: 'Floor load' },
  price: { zh: '价格', en: 'Price' },
  tourLinks: { zh: '导览与全景', en: 'Tours & panoramas' },
  panoramas: { zh: '{n} 个 360° 全景', en: '{n} 360° panoramas' },
  enquire: { zh: '投资意向', en: 'Investment enquiry' },
  enquireLead: { zh: '留下联系方式，招商专员将在 2 个工作日内与您联系。带 * 为必填，电话与邮箱至少填一项。', en: 'Leave your details and an investment officer will contact you within 2 working days. * required; give a phone number or an e-mail address.' },
  about: { zh: '关于', en: 'About' },
  aboutPark: { zh: '整个园区', en: 'the whole park' },
  company: { zh: '企业名称', en: 'Company' },
  contactPerson: { zh: '联系人', en: 'Contact person' },
  phone: { zh: '联系电话', en: 'Phone' },
  email: { zh: '电子邮箱', en: 'E-mail' },
  industry: { zh: '所属行业', en: 'Industry' },
  investment: { zh: '计划投资（万元）', en: 'Planned investment (10k CNY)' },
  spaceKind: { zh: '需求类型', en: 'Space needed' },
  spaceAny: { zh: '不限', en: 'Any' },
  spaceAmount: { zh: '需求面积', en: 'Area needed' },
  message: { zh: '留言', en: 'Message' },
  submit: { zh: '提交意向', en: 'Send enquiry' },
  website: { zh: '网站（请留空）', en: 'Website (leave empty)' },
  notFound: { zh: '未找到该园区', en: 'Park not found' },
  notFoundText: { zh: '该园区不存在或尚未公开。', en: 'This park does not exist or is not public.' },
  back: { zh: '返回首页', en: 'Back to the portal' },
  inside: { zh: '园区内', en: 'inside the park' },
  all: { zh: '全部', en: 'All' },
  policies: { zh: '招商政策与推介项目', en: 'Investment policies & featured projects' },
  policiesNote: { zh: '现行有效', en: 'in force today' },
  parkPolicies: { zh: '适用政策与推介项目', en: 'Policies & projects for this park' },
  policy: { zh: '招商政策', en: 'Policy' },
  project: { zh: '推介项目', en: 'Featured project' },
  validUntil: { zh: '有效期至 {d}', en: 'Valid until {d}' },
  validOpen: { zh: '长期有效', en: 'Until further notice' },
  validFrom: { zh: '自 {d} 起', en: 'From {d}' },
  cityWide: { zh: '全市适用', en: 'City-wide' },
  appliesTo: { zh: '适用范围', en: 'Applies to' },
  readMore: { zh: '查看全文', en: 'Read more' },
  inChinese: { zh: '', en: '(in Chinese)' },
  noPolicies: { zh: '暂无现行政策。', en: 'No policy in force right now.' },
  policyNotFound: { zh: '未找到该政策', en: 'Policy not found' },
  policyNotFoundText: { zh: '该政策或项目不存在、尚未发布或已过有效期。', en: 'This policy or project does not exist, is not published or is no longer valid.' },
} as const;

type Key = keyof typeof S;
const tx = (k: Key, lang: Lang) => S[k][lang];
const LEVELS = {
  national: { zh: '国家级', en: 'National' }, provincial: { zh: '省级', en: 'Provincial' },
  city: { zh: '市级', en: 'City-level' }, county: { zh: '县级', en: 'County-level' },
} as const;
const KIND = { land: S.land, factory: { zh: '标准厂房', en: 'Standard factory' }, office: { zh: '写字楼', en: 'Office' } } as const;
/** Land-use names from the layer catalog (the enum values of `land_use`). */
const LAND_USE = LAND_USE_CODES;
/** The unit of a land attribute in `lang`, from the layer definition. */
const landUnit = (attr: string, lang: Lang) => unitOf(findLayer('land')!.attributes.find((a) => a.name === attr)!, lang);

/** Link to a portal path in `lang` (Chinese is the default and carries no parameter). */
export const langHref = (pathname: string, lang: Lang) => hrefInLang(pathname, lang);
const name = (n: { zh: string; en: string }, lang: Lang) => (lang === 'en' && n.en ? n.en : n.zh);
/**
 * A bilingual text as HTML: in English without an English version, the Chinese text marked as
 * such (`lang="zh-CN"` and "(in Chinese)"), so a reader knows no translation exists yet.
 */
export function i18nHtml(n: { zh: string; en: string | null }, lang: Lang): string {
  if (lang === 'zh' || (n.en ?? '').trim()) return esc(lang === 'zh' ? n.zh : n.en);
  return `<span lang="zh-CN">${esc(n.zh)}</span> <span class="pt-fallback">${esc(S.inChinese.en)}</span>`;
}
const join = (items: string[], lang: Lang) => items.join(lang === 'zh' ? '、' : ', ');
const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;

/** Pinyin initials and full pinyin of Chinese text, for matching "gxq" or "gaoxinqu". */
export function pinyinKeys(text: string): string {
  const initials = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
  const full = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
  return `${initials} ${full}`.toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The page header, the same one every page of the product shows (`ui/page-header.ts`, styled by
 * the web client's `page-shell.css`): brand, links, language link to this page in the other
 * language, sign-in. The portal's own `<h1>` is in the page, so the header's title is a `<p>`;
 * the browser's `PageShell` takes the header over (sign-in dialog, the signed-in user).
 */
function header(lang: Lang, pathname: string): string {
  return pageHeaderHtml({
    lang, page: 'portal',
    title: { long: tx('site', lang), short: tx('siteShort', lang) },
    titleTag: 'p',
    user: null,
    signIn: true,
    otherLangHref: langHref(pathname, lang === 'zh' ? 'en' : 'zh'),
    langInLinks: true,
  });
}

function footer(lang: Lang): string {
  return `<footer class="pt-footer no-print">
  <p>${esc(tx('footer', lang))}</p>
  <p><a href="${langHref('/map.html', lang)}">${esc(tx('staff', lang))}</a> · <a href="${langHref('/enquiries.html', lang)}">${esc(tx('inbox', lang))}</a></p>
</footer>`;
}

function availability(p: ParkSummary, lang: Lang): string {
  const a = p.available;
  const parts: string[] = [];
  if (a.land.count) parts.push(`${esc(tx('land', lang))} ${a.land.count} ${esc(tx('parcels', lang))} · ${esc(fmtLandArea(a.land.areaM2, lang))}`);
  if (a.factories.count) parts.push(`${esc(tx('factories', lang))} ${a.factories.count} ${esc(tx('buildings', lang))} · ${esc(fmtFloorArea(a.factories.floorM2, lang))}`);
  if (a.offices.count) parts.push(`${esc(tx('offices', lang))} ${a.offices.count} ${esc(tx('buildings', lang))} · ${esc(fmtFloorArea(a.offices.floorM2, lang))}`);
  return parts.map((s) => `<li>${s}</li>`).join('');
}

/** `<head>` additions and `<main>` of the landing page. */
export function landingPage(d: Landing, lang: Lang, origin: string): { head: string; body: string } {
  const f = d.figures;
  const description = lang === 'zh'
    ? `达州 ${f.counties} 个县（市、区）、${f.parks} 个产业园区：可招商土地 ${fmtLandArea(f.land.areaM2, lang)}，标准厂房 ${fmtFloorArea(f.factories.floorM2, lang)}，楼宇 ${fmtFloorArea(f.offices.floorM2, lang)}。`
    : `Dazhou: ${f.counties} counties and districts, ${f.parks} industrial parks; ${fmtLandArea(f.land.areaM2, lang)} of land, ${fmtFloorArea(f.factories.floorM2, lang)} of factory space and ${fmtFloorArea(f.offices.floorM2, lang)} of offices available.`;
  const head = `<title>${esc(tx('site', lang))}</title>
<meta name="description" content="${esc(description)}">
<meta property="og:type" content="website"><meta property="og:title" content="${esc(tx('site', lang))}">
<meta property="og:description" content="${esc(description)}"><meta property="og:url" content="${esc(origin + langHref('/', lang))}">
<meta property="og:locale" content="${lang === 'zh' ? 'zh_CN' : 'en_GB'}">
<link rel="alternate" hreflang="zh-CN" href="${esc(origin)}/"><link rel="alternate" hreflang="en" href="${esc(origin)}/?lang=en">`;

  const figures = [
    [String(f.counties), tx('figCounties', lang)],
    [String(f.parks), tx('figParks', lang)],
    [fmtLandArea(f.land.areaM2, lang), `${tx('figLand', lang)} · ${f.land.count} ${tx('parcels', lang)}`],
    [fmtFloorArea(f.factories.floorM2, lang), `${tx('figFactories', lang)} · ${f.factories.count} ${tx('buildings', lang)}`],
    [fmtFloorArea(f.offices.floorM2, lang), `${tx('figOffices', lang)} · ${f.offices.count} ${tx('buildings', lang)}`],
  ].map(([v, l], i) => `<div class="pt-fig" data-fig="${['counties', 'parks', 'land', 'factories', 'offices'][i]}"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('');

  const industries = d.industries.slice(0, 9).map((ind) => `<li class="pt-industry">
  <h3>${esc(name(ind.name, lang))}</h3>
  <p>${ind.parks.map((p) => `<a href="${langHref(`/parks/${p.id}`, lang)}">${esc(name(p.name, lang))}</a>`).join(lang === 'zh' ? '、' : ', ')}</p>
</li>`).join('');

  const parks = d.parks.map((p) => {
    const keys = [p.name.zh, p.name.en, p.code, p.county.name.zh, p.county.name.en, ...p.industries.flatMap((i) => [i.zh, i.en])];
    const search = `${keys.join(' ')} ${pinyinKeys(`${p.name.zh} ${p.county.name.zh}`)}`.toLowerCase();
    return `<li class="pt-park" data-search="${esc(search)}" data-park-id="${p.id}">
  <a href="${langHref(`/parks/${p.id}`, lang)}">
    <img src="${esc(p.cover)}" alt="" loading="lazy" width="600" height="315">
    <div class="pt-park-text">
      <h3>${i18nHtml(p.name, lang)}</h3>
      <p class="pt-meta">${esc(name(p.county.name, lang))} · ${esc(LEVELS[p.level][lang])}</p>
      <ul class="pt-avail">${availability(p, lang)}</ul>
      <p class="pt-tags">${p.industries.map((i) => `<span>${esc(name(i, lang))}</span>`).join('')}</p>
    </div>
  </a>
</li>`;
  }).join('');

  const body = `${header(lang, '/')}
<main class="pt-main" id="landing">
  <section class="pt-hero">
    <h1>${esc(tx('site', lang))}</h1>
    <p>${esc(tx('tagline', lang))}</p>
    <form class="pt-search" role="search" action="/" method="get">
      <input id="portal-search" name="q" type="search" autocomplete="off" placeholder="${esc(tx('searchPlaceholder', lang))}" aria-label="${esc(tx('search', lang))}">
      ${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
      <button type="submit">${esc(tx('search', lang))}</button>
    </form>
  </section>
  <section class="pt-figures" aria-label="${esc(tx('figParks', lang))}">${figures}</section>
  <section class="pt-section">
    <h2>${esc(tx('industries', lang))} <small>${esc(tx('industriesNote', lang))}</small></h2>
    <ul class="pt-industries">${industries}</ul>
  </section>
  ${d.policies.length ? `<section class="pt-section" id="policies">
    <h2>${esc(tx('policies', lang))} <small>${esc(tx('policiesNote', lang))}</small></h2>
    ${policyList(d.policies, lang)}
  </section>` : ''}
  <section class="pt-section">
    <h2>${esc(tx('parks', lang))}</h2>
    <ul class="pt-parks" id="park-directory">${parks}</ul>
    <p class="pt-empty" id="no-match" hidden>${esc(tx('noMatch', lang))}</p>
  </section>
</main>
${footer(lang)}`;
  return { head, body };
}

function carrierFacts(c: CardCarrier, lang: Lang): string[] {
  const facts: string[] = [];
  if (c.kind === 'land') facts.push(fmtLandArea(c.areaM2, lang));
  else facts.push(`${fmtFloorArea(c.floorAreaM2 ?? c.areaM2, lang)}${c.floors ? ` · ${c.floors} ${tx(c.floors === 1 ? 'floor' : 'floors', lang)}` : ''}`);
  if (c.price !== null) facts.push(fmtPrice(c.price, c.priceUnit, lang));
  if (c.landUse) facts.push(`${tx('landUse', lang)} ${LAND_USE[c.landUse]?.[lang] ?? c.landUse}`);
  if (c.plotRatio) facts.push(`${tx('plotRatio', lang)} ${c.plotRatio.filter((x) => x !== null).map((x) => fmtNumber(x!, lang, 2)).join('–')}`);
  if (c.clearHeightM) facts.push(`${tx('clearHeight', lang)} ${fmtNumber(c.clearHeightM, lang, 1)} m`);
  if (c.floorLoadKnM2) facts.push(`${tx('floorLoad', lang)} ${fmtNumber(c.floorLoadKnM2, lang, 1)} kN/m²`);
  if (c.powerKva) facts.push(`${fmtNumber(c.powerKva, lang)} kVA`);
  if (c.availableFrom) facts.push(`${tx('from', lang)} ${c.availableFrom}`);
  return facts;
}

/** Most carriers listed on the printed card (the rest are online). */
export const PRINT_CARRIERS = 12;

/** `<head>` additions and `<main>` of a park's cloud card. */
export function parkCardPage(card: ParkCard, lang: Lang, origin: string, qrSvg: string, url: string): { head: string; body: string } {
  const p = card.park;
  const title = `${name(p.name, lang)} · ${tx('site', lang)}`;
  const a = p.available;
  const summaryText = lang === 'zh'
    ? `${p.county.name.zh}·${LEVELS[p.level].zh}园区，主导产业${join(p.industries.map((i) => i.zh), lang)}。可招商：土地 ${a.land.count} 宗（${fmtLandArea(a.land.areaM2, lang)}），标准厂房 ${a.factories.count} 栋，楼宇 ${a.offices.count} 栋。`
    : `${LEVELS[p.level].en} park in ${p.county.name.en}; leading industries: ${join(p.industries.map((i) => i.en), lang)}. Available: ${a.land.count} land parcels (${fmtLandArea(a.land.areaM2, lang)}), ${a.factories.count} factories, ${a.offices.count} offices.`;
  const cover = origin + p.cover;
  const head = `<title>${esc(title)}</title>
<meta name="description" content="${esc(summaryText)}">
<meta property="og:type" content="website"><meta property="og:site_name" content="${esc(tx('site', lang))}">
<meta property="og:title" content="${esc(name(p.name, lang))}"><meta property="og:description" content="${esc(summaryText)}">
<meta property="og:image" content="${esc(cover)}"><meta property="og:url" content="${esc(url)}">
<meta property="og:locale" content="${lang === 'zh' ? 'zh_CN' : 'en_GB'}"><meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="${esc(url)}">
<link rel="alternate" hreflang="zh-CN" href="${esc(origin)}/parks/${p.id}"><link rel="alternate" hreflang="en" href="${esc(origin)}/parks/${p.id}?lang=en">
<script type="application/json" id="card-data">${JSON.stringify({
    id: p.id, lang, bbox: card.bbox, outline: card.outline,
    carriers: card.carriers.map((c) => ({ id: c.id, kind: c.kind, name: lang === 'en' && c.nameEn ? c.nameEn : c.name, code: c.code, geometry: c.geometry })),
  }).replace(/</g, '\\u003c')}</script>`;

  const ind = card.indicators;
  const range = (lo: number | null, hi: number | null, unit: string) => (lo === null ? null : lo === hi ? `${fmtNumber(lo, lang)} ${unit}` : `${fmtNumber(lo, lang)}–${fmtNumber(hi!, lang)} ${unit}`);
  // Units from the layer definitions, in the reader's language.
  const wanMu = landUnit('investment_intensity_wan_per_mu', lang);
  const indicatorRows = [
    ['intensity', range(ind.intensity_min, ind.intensity_max, wanMu)],
    ['output', range(ind.output_min, ind.output_max, wanMu)],
    ['tax', range(ind.tax_min, ind.tax_max, wanMu)],
    ['power', ind.power_kva_max === null ? null : `${fmtNumber(ind.power_kva_max, lang)} kVA`],
    ['water', ind.water_max === null ? null : `${fmtNumber(ind.water_max, lang)} ${landUnit('water_t_per_day', lang)}`],
    ['gas', ind.gas === null ? null : tx(ind.gas ? 'yes' : 'no', lang)],
  ].filter(([, v]) => v !== null).map(([k, v]) => `<div><dt>${esc(tx(k as Key, lang))}</dt><dd>${esc(v)}</dd></div>`).join('');
  const distanceRows = Object.entries(card.distances)
    .map(([k, m]) => `<div><dt>${esc(tx(k as Key, lang))}</dt><dd>${esc(m! < 1 ? tx('inside', lang) : fmtDistance(m!, lang))}</dd></div>`).join('');
  const kindCount = (k: string) => card.carriers.filter((c) => c.kind === k).length;
  const tabs = `<div class="pc-tabs no-print" id="carrier-tabs">${[['', tx('all', lang), card.carriers.length], ...(['land', 'factory', 'office'] as const)
    .filter((k) => kindCount(k) > 0).map((k) => [k, KIND[k][lang], kindCount(k)])]
    .map(([k, label, n]) => `<button type="button" class="pc-tab" data-kind="${k}" aria-pressed="${k === ''}">${esc(label)} <small>${n}</small></button>`).join('')}</div>`;

  const carrierItems = card.carriers.map((c, i) => `<li class="pc-carrier${i >= PRINT_CARRIERS ? ' screen-only' : ''}" id="carrier-${c.id}" data-carrier-id="${c.id}" data-kind="${c.kind}">
  <div class="pc-carrier-text">
    <h3><span class="pc-kind pc-kind-${c.kind}">${esc(KIND[c.kind][lang])}</span> ${i18nHtml({ zh: c.name, en: c.nameEn }, lang)} <small>${esc(c.code)}</small></h3>
    <p>${carrierFacts(c, lang).map(esc).join(' · ')}</p>
    ${c.description ? `<p class="pc-carrier-desc screen-only">${i18nHtml(c.description, lang)}</p>` : ''}
    ${c.industries.length ? `<p class="pc-carrier-ind">${esc(join(c.industries.map((x) => name(x, lang)), lang))}</p>` : ''}
  </div>
  <a class="pt-button interest no-print" href="#enquire" data-carrier-id="${c.id}" data-label="${esc(`${KIND[c.kind][lang]} ${name({ zh: c.name, en: c.nameEn ?? '' }, lang)}（${c.code}）`)}">${esc(tx('interested', lang))}</a>
</li>`).join('');
  const more = card.carriers.length > PRINT_CARRIERS
    ? `<p class="print-only">${esc(tx('moreOnline', lang).replace('{n}', String(card.carriers.length - PRINT_CARRIERS)))} · ${esc(url)}</p>` : '';

  const tours = card.tours.map((t) => `<li><a href="${langHref(`/tour.html?id=${t.id}`, lang)}">▶ ${esc(name(t.title, lang))}</a></li>`).join('');
  const panoramas = card.panoramas.length
    ? `<li><a href="${langHref(`/tour.html?park=${p.id}`, lang)}">◎ ${esc(tx('panoramas', lang).replace('{n}', String(card.panoramas.length)))}</a></li>` : '';

  const phone = p.contact.phone;
  const opt = (v: string, label: string) => `<option value="${v}">${esc(label)}</option>`;
  const field = (id: string, label: string, input: string, required = false) =>
    `<label class="pc-field" data-field="${id}"><span>${esc(label)}${required ? ' *' : ''}</span>${input}<small class="field-error" data-error-for="${id}" hidden></small></label>`;
  const form = `<form id="enquiry-form" class="pc-form" novalidate data-park-id="${p.id}">
  <p class="pc-about">${esc(tx('about', lang))}: <strong id="enquiry-about" data-default="${esc(`${name(p.name, lang)}（${tx('aboutPark', lang)}）`)}">${esc(`${name(p.name, lang)}（${tx('aboutPark', lang)}）`)}</strong></p>
  <input type="hidden" name="parkId" value="${p.id}"><input type="hidden" name="carrierId" value=""><input type="hidden" name="lang" value="${lang}">
  ${field('company', tx('company', lang), `<input name="company" required maxlength="${ENQUIRY_LIMITS.company}" autocomplete="organization">`, true)}
  ${field('contactPerson', tx('contactPerson', lang), `<input name="contactPerson" required maxlength="${ENQUIRY_LIMITS.contactPerson}" autocomplete="name">`, true)}
  ${field('phone', tx('phone', lang), `<input name="phone" type="tel" maxlength="${ENQUIRY_LIMITS.phone}" autocomplete="tel" inputmode="tel">`)}
  ${field('email', tx('email', lang), `<input name="email" type="email" maxlength="${ENQUIRY_LIMITS.email}" autocomplete="email">`)}
  ${field('industry', tx('industry', lang), `<input name="industry" maxlength="${ENQUIRY_LIMITS.industry}" list="industry-list"><datalist id="industry-list">${p.industries.map((i) => `<option value="${esc(name(i, lang))}">`).join('')}</datalist>`)}
  ${field('investmentWan', tx('investment', lang), '<input name="investmentWan" type="number" min="1" step="any" inputmode="decimal">')}
  ${field('spaceKind', tx('spaceKind', lang), `<select name="spaceKind">${opt('', tx('spaceAny', lang))}${opt('land', KIND.land[lang])}${opt('factory', KIND.factory[lang])}${opt('office', KIND.office[lang])}</select>`)}
  <div class="pc-field-row">
    ${field('spaceAmount', tx('spaceAmount', lang), '<input name="spaceAmount" type="number" min="0" step="any" inputmode="decimal">')}
    ${field('spaceUnit', ' ', `<select name="spaceUnit" aria-label="unit">${opt('mu', lang === 'zh' ? '亩' : 'mu')}${opt('m2', 'm²')}</select>`)}
  </div>
  ${field('message', tx('message', lang), `<textarea name="message" rows="4" maxlength="${ENQUIRY_LIMITS.message}"></textarea>`)}
  <div class="pc-hp" aria-hidden="true"><label>${esc(tx('website', lang))}<input name="website" tabindex="-1" autocomplete="off"></label></div>
  <p class="form-error" id="enquiry-error" role="alert" hidden></p>
  <button class="pt-button primary" type="submit" id="enquiry-submit">${esc(tx('submit', lang))}</button>
</form>
<div id="enquiry-receipt" class="pc-receipt" role="status" hidden></div>`;

  const body = `${header(lang, `/parks/${p.id}`)}
<main class="pc-main" id="park-card" data-park-id="${p.id}">
  <section class="pc-page1">
    <div class="pc-cover"><img src="${esc(p.cover)}" alt="${esc(name(p.name, lang))}" width="1200" height="630"></div>
    <div class="pc-title">
      <h1>${i18nHtml(p.name, lang)}</h1>
      <p class="pt-meta">${esc(name(p.county.name, lang))} · ${esc(LEVELS[p.level][lang])}${p.establishedYear ? ` · ${esc(tx('established', lang))} ${p.establishedYear}` : ''}</p>
      <p class="pt-tags">${p.industries.map((i) => `<span>${esc(name(i, lang))}</span>`).join('')}</p>
    </div>
    <div class="pc-actions no-print">
      <a class="pt-button primary" href="#enquire" id="interest-park">${esc(tx('interested', lang))}</a>
      ${phone ? `<a class="pt-button" href="${telHref(phone)}" id="call-park">☎ ${esc(tx('call', lang))}</a>` : ''}
      <button class="pt-button" type="button" id="print-card">${esc(tx('print', lang))}</button>
      <a class="pt-button" href="${langHref("/map.html", lang)}">${esc(tx('onMap', lang))}</a>
    </div>
    <dl class="pc-figures">
      <div><dt>${esc(tx('plannedArea', lang))}</dt><dd>${esc(fmtLandArea(p.areaM2, lang))}</dd></div>
      <div><dt>${esc(tx('land', lang))}</dt><dd>${a.land.count} ${esc(tx('parcels', lang))} · ${esc(fmtLandArea(a.land.areaM2, lang))}</dd></div>
      <div><dt>${esc(tx('factories', lang))}</dt><dd>${a.factories.count} ${esc(tx('buildings', lang))} · ${esc(fmtFloorArea(a.factories.floorM2, lang))}</dd></div>
      <div><dt>${esc(tx('offices', lang))}</dt><dd>${a.offices.count} ${esc(tx('buildings', lang))} · ${esc(fmtFloorArea(a.offices.floorM2, lang))}</dd></div>
    </dl>
    <section class="pc-section"><h2>${esc(tx('intro', lang))}</h2><p class="pc-intro">${i18nHtml(p.intro, lang)}</p></section>
    <div class="pc-two">
      <section class="pc-section"><h2>${esc(tx('indicators', lang))}</h2><dl class="pc-dl">${indicatorRows}</dl></section>
      <section class="pc-section"><h2>${esc(tx('location', lang))}</h2><dl class="pc-dl">${distanceRows}</dl></section>
    </div>
    <section class="pc-section pc-contact">
      <div>
        <h2>${esc(tx('contact', lang))}</h2>
        <p>${esc(p.contact.name ?? '')}${phone ? ` · <a href="${telHref(phone)}" class="pc-tel">${esc(phone)}</a>` : ''}</p>
        <p class="pc-url">${esc(url)}</p>
      </div>
      <figure class="pc-qr" id="park-qr" data-url="${esc(url)}">${qrSvg}<figcaption>${esc(tx('scan', lang))}</figcaption></figure>
    </section>
  </section>
  <section class="pc-page2">
    <section class="pc-section">
      <h2>${esc(tx('parkMap', lang))}</h2>
      <div class="pc-map" id="park-map" role="img" aria-label="${esc(tx('parkMap', lang))}"><img src="/parks/${p.id}/cover.png" alt="" class="pc-map-static" width="1200" height="630"></div>
      <p class="pc-legend"><span class="pc-kind-land">■</span> ${esc(tx('legendLand', lang))} <span class="pc-kind-factory">■</span> ${esc(tx('legendFactory', lang))} <span class="pc-kind-office">■</span> ${esc(tx('legendOffice', lang))}</p>
    </section>
    <section class="pc-section">
      <h2>${esc(tx('carriers', lang))} <small>(${card.carriers.length})</small></h2>
      ${card.carriers.length ? `${tabs}<ul class="pc-carriers" id="carrier-list">${carrierItems}</ul>${more}` : `<p>${esc(tx('noCarriers', lang))}</p>`}
    </section>
    <section class="pc-section pc-policies no-print" id="park-policies">
      <h2>${esc(tx('parkPolicies', lang))}</h2>
      ${card.policies.length ? policyList(card.policies, lang) : `<p>${esc(tx('noPolicies', lang))}</p>`}
    </section>
    ${tours || panoramas ? `<section class="pc-section no-print"><h2>${esc(tx('tourLinks', lang))}</h2><ul class="pc-links">${tours}${panoramas}</ul></section>` : ''}
  </section>
  <section class="pc-section pc-enquire no-print" id="enquire">
    <h2>${esc(tx('enquire', lang))}</h2>
    <p>${esc(tx('enquireLead', lang))}</p>
    ${form}
  </section>
</main>
${footer(lang)}`;
  return { head, body };
}

/** Validity of an entry in words. */
function validity(p: Policy, lang: Lang): string {
  if (p.validTo) return tx('validUntil', lang).replace('{d}', p.validTo);
  if (p.validFrom) return tx('validFrom', lang).replace('{d}', p.validFrom);
  return tx('validOpen', lang);
}

/** What an entry applies to, as HTML (parks linked). */
function appliesTo(p: Policy, lang: Lang): string {
  const parts = [
    ...p.parks.map((k) => `<a href="${langHref(`/parks/${k.id}`, lang)}">${i18nHtml(k.name, lang)}</a>`),
    ...p.counties.map((c) => i18nHtml(c.name, lang)),
    ...p.industries.map((i) => esc(name(i, lang))),
  ];
  return parts.length ? parts.join(lang === 'zh' ? '、' : ', ') : esc(tx('cityWide', lang));
}

/** Policies and projects as a list of cards: kind, title, excerpt, validity, scope, link to the full text. */
export function policyList(policies: Policy[], lang: Lang): string {
  return `<ul class="pt-policies">${policies.map((p) => `<li class="pt-policy pt-policy-${p.kind}" data-policy-id="${p.id}">
  <p class="pt-policy-kind"><span>${esc(tx(p.kind, lang))}</span> ${esc(validity(p, lang))}</p>
  <h3><a href="${langHref(`/policies/${p.id}`, lang)}">${i18nHtml(p.title, lang)}</a></h3>
  <p class="pt-policy-excerpt">${i18nHtml(p.excerpt, lang)}</p>
  <p class="pt-meta">${esc(tx('appliesTo', lang))}: ${appliesTo(p, lang)}</p>
</li>`).join('')}</ul>`;
}

/** `<head>` additions and `<main>` of one policy or project's page. */
export function policyPage(p: Policy, lang: Lang, origin: string): { head: string; body: string } {
  const title = `${name(p.title, lang)} · ${tx('site', lang)}`;
  const url = origin + langHref(`/policies/${p.id}`, lang);
  const fallback = lang === 'en' && !p.body.en.trim();
  const head = `<title>${esc(title)}</title>
<meta name="description" content="${esc(name(p.excerpt, lang))}">
<meta property="og:type" content="article"><meta property="og:title" content="${esc(name(p.title, lang))}">
<meta property="og:description" content="${esc(name(p.excerpt, lang))}"><meta property="og:url" content="${esc(url)}">
${p.images[0] ? `<meta property="og:image" content="${esc(origin + p.images[0].url)}">` : ''}
<link rel="canonical" href="${esc(url)}">`;
  const images = p.images.map((i) => `<figure class="pt-policy-image"><img src="${esc(i.url)}" alt="${esc(name(i.caption, lang))}" loading="lazy">${i.caption.zh ? `<figcaption>${esc(name(i.caption, lang))}</figcaption>` : ''}</figure>`).join('');
  const body = `${header(lang, `/policies/${p.id}`)}
<main class="pt-main pt-policy-page" id="policy" data-policy-id="${p.id}">
  <article class="pt-section">
    <p class="pt-policy-kind"><span>${esc(tx(p.kind, lang))}</span> ${esc(validity(p, lang))}</p>
    <h1>${i18nHtml(p.title, lang)}</h1>
    <p class="pt-meta">${esc(tx('appliesTo', lang))}: ${appliesTo(p, lang)}</p>
    ${images}
    <div class="pt-policy-body"${fallback ? ' lang="zh-CN"' : ''}>${fallback ? `<p class="pt-fallback">${esc(S.inChinese.en)}</p>` : ''}${fallback ? p.html.zh : name(p.html, lang)}</div>
    <p><a class="pt-button" href="${langHref('/', lang)}#policies">${esc(tx('back', lang))}</a></p>
  </article>
</main>
${footer(lang)}`;
  return { head, body };
}

/** A 404 page for an unknown, unpublished or expired policy. */
export function policyNotFoundPage(lang: Lang): { head: string; body: string } {
  return {
    head: `<title>${esc(tx('policyNotFound', lang))} · ${esc(tx('site', lang))}</title><meta name="robots" content="noindex">`,
    body: `${header(lang, '/')}<main class="pt-main"><section class="pt-hero"><h1>${esc(tx('policyNotFound', lang))}</h1><p>${esc(tx('policyNotFoundText', lang))}</p><p><a class="pt-button primary" href="${langHref('/', lang)}">${esc(tx('back', lang))}</a></p></section></main>${footer(lang)}`,
  };
}

/** A 404 page for an unknown or unpublished park. */
export function notFoundPage(lang: Lang): { head: string; body: string } {
  return {
    head: `<title>${esc(tx('notFound', lang))} · ${esc(tx('site', lang))}</title><meta name="robots" content="noindex">`,
    body: `${header(lang, '/')}<main class="pt-main"><section class="pt-hero"><h1>${esc(tx('notFound', lang))}</h1><p>${esc(tx('notFoundText', lang))}</p><p><a class="pt-button primary" href="${langHref('/', lang)}">${esc(tx('back', lang))}</a></p></section></main>${footer(lang)}`,
  };
}
