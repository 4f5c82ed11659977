/**
 * The dashboard's charts as pure functions: the API's figures in, an ECharts option and the same
 * numbers as a table out (the table is what the "table" switch shows and what CSV/XLSX export
 * writes). Areas are shown in 亩 (1 亩 = 666.67 m²), to two decimals.
 */
import type { I18nText } from '../shared/api.types.ts';
import { getLang, tr } from '../shared/i18n.service.ts';
import { hasKey, st } from './stats.i18n.ts';
import { PRICE_UNITS } from '../../../layers/catalog.ts';

/** A price unit as stored (万元/亩, 元/m²·月 …) in the page's language (10k CNY/mu, CNY/m²/month …). */
export const priceUnitText = (unit: string): string => PRICE_UNITS[unit]?.[getLang()] ?? unit;

/** 1 亩 in m². */
export const MU_M2 = 10000 / 15;
/** m² → 亩, two decimals. */
export const mu = (m2: number) => Math.round((m2 / MU_M2) * 100) / 100;

export const TYPES = ['land', 'factory', 'office'] as const;
export const STATUSES = ['available', 'reserved', 'occupied'] as const;
const STATUS_COLORS: Record<string, string> = { available: '#2e7d32', reserved: '#f9a825', occupied: '#90a4ae' };
const TYPE_COLORS: Record<string, string> = { land: '#1565c0', factory: '#ef6c00', office: '#6a1b9a' };

/** A table: column titles and rows of cells. */
export interface Table { columns: string[]; rows: (string | number | null)[][] }
/** What a chart builder returns. */
export interface Built { option: Record<string, unknown>; table: Table }

/** The API's answers the charts are built from. */
export interface StatsData {
  options: { scope: 'all' | 'published'; counties: { adcode: string; name: I18nText }[]; parks: { id: number; name: I18nText; county: string }[] };
  status: { rows: { county: string; type: string; status: string; count: number; areaM2: number; floorAreaM2: number }[] };
  available: {
    byCounty: { county: string; count: number; areaM2: number; floorAreaM2: number }[];
    byPark: { park: number; name: I18nText; county: string; count: number; areaM2: number; floorAreaM2: number }[];
  };
  land: { rows: { landUse: string | null; standardClass: string; count: number; areaM2: number }[] };
  prices: { units: { unit: string; count: number; min: number; max: number; mean: number; p25: number; median: number; p75: number; bins: { from: number; to: number; count: number }[] }[] };
  parks: {
    months: string[];
    parks: { id: number; name: I18nText; county: string; parkAreaM2: number; count: number; availableCount: number; reservedCount: number; occupiedCount: number; availableAreaM2: number; availableAreaByMonth: number[] }[];
  };
  inventory: {
    months: string[]; historyFrom: string | null;
    series: { type: string; points: { month: string; count: number; availableCount: number; availableAreaM2: number; momAreaPct: number | null; yoyAreaPct: number | null; momCountPct: number | null; yoyCountPct: number | null }[] }[];
  };
  freshness: { asOf: string; rows: { county: string; type: string; count: number; within6: number; within12: number }[]; total: { count: number; within6: number; within12: number } };
  counties: { type: 'FeatureCollection'; features: { id: string; geometry: unknown; properties: { adcode: string; name: I18nText; count: number; availableCount: number; availableAreaM2: number; occupiedAreaM2: number } }[] };
  /** Absent for the public. */
  enquiries?: { months: string[]; rows: { park: number | null; month: string; count: number; visited: number; signed: number }[]; funnel: { new: number; visit: number; signed: number } };
}

const L = (k: string) => (hasKey(k) ? st(k) : k);
const countyName = (d: StatsData, adcode: string) => tr(d.options.counties.find((c) => c.adcode === adcode)?.name) || adcode;
const parkName = (d: StatsData, id: number | null) => (id === null ? st('noPark') : tr(d.options.parks.find((p) => p.id === id)?.name) || `#${id}`);
const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : 0);
const axisLabel = { interval: 0, hideOverlap: true, width: 90, overflow: 'truncate' };

/** Counties shown on axes: the filtered ones, else all. */
function counties(d: StatsData, filter: string[]): string[] {
  const all = d.options.counties.map((c) => c.adcode);
  return filter.length ? all.filter((a) => filter.includes(a)) : all;
}

/** Stacked bars: per county, one stack per type, one segment per status (count). */
export function statusChart(d: StatsData, countyFilter: string[] = []): Built {
  const cs = counties(d, countyFilter);
  const val = (c: string, type: string, status: string) => d.status.rows.find((r) => r.county === c && r.type === type && r.status === status)?.count ?? 0;
  const types = TYPES.filter((t) => d.status.rows.some((r) => r.type === t));
  const series = types.flatMap((type) => STATUSES.map((status) => ({
    type: 'bar', stack: type, name: `${L(type)}·${L(status)}`, id: `${type}|${status}`,
    itemStyle: { color: STATUS_COLORS[status], borderColor: TYPE_COLORS[type], borderWidth: 1 },
    data: cs.map((c) => val(c, type, status)),
  })));
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 8, right: 8, top: 48, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: cs.map((c) => countyName(d, c)), axisLabel }, yAxis: { type: 'value', name: st('count') }, series,
    },
    table: {
      columns: [st('county'), st('type'), st('status'), st('count'), st('areaMu'), st('floorArea')],
      rows: d.status.rows.map((r) => [countyName(d, r.county), L(r.type), L(r.status), r.count, mu(r.areaM2), Math.round(r.floorAreaM2 * 100) / 100]),
    },
  };
}

/** Available area (亩) by county. */
export function availableCountyChart(d: StatsData): Built {
  const rows = [...d.available.byCounty].sort((a, b) => b.areaM2 - a.areaM2);
  return {
    option: {
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 16, top: 24, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => countyName(d, r.county)), axisLabel }, yAxis: { type: 'value', name: st('availableMu') },
      series: [{ type: 'bar', id: 'area', name: st('availableMu'), data: rows.map((r) => mu(r.areaM2)), itemStyle: { color: STATUS_COLORS.available }, label: { show: true, position: 'top', textBorderWidth: 0 } }],
    },
    table: { columns: [st('county'), st('availableCount'), st('availableMu'), st('floorArea')], rows: rows.map((r) => [countyName(d, r.county), r.count, mu(r.areaM2), r.floorAreaM2]) },
  };
}

/** Available area (亩) by park. */
export function availableParkChart(d: StatsData): Built {
  const rows = [...d.available.byPark].sort((a, b) => a.areaM2 - b.areaM2);
  return {
    option: {
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 40, top: 8, bottom: 4, containLabel: true },
      yAxis: { type: 'category', data: rows.map((r) => tr(r.name)), axisLabel: { width: 130, overflow: 'truncate' } }, xAxis: { type: 'value', name: st('availableMu') },
      series: [{ type: 'bar', id: 'area', name: st('availableMu'), data: rows.map((r) => mu(r.areaM2)), itemStyle: { color: '#43a047' }, label: { show: true, position: 'right', textBorderWidth: 0 } }],
    },
    table: { columns: [st('park'), st('county'), st('availableCount'), st('availableMu'), st('floorArea')], rows: [...rows].reverse().map((r) => [tr(r.name), countyName(d, r.county), r.count, mu(r.areaM2), r.floorAreaM2]) },
  };
}

export const STD_CLASSES = ['ge300', '200to300', 'lt200', 'none'] as const;

/** Land area (亩) by land use, stacked by 标准地 class. */
export function landChart(d: StatsData): Built {
  const uses = [...new Set(d.land.rows.map((r) => r.landUse ?? '—'))].sort();
  const val = (u: string, c: string) => d.land.rows.find((r) => (r.landUse ?? '—') === u && r.standardClass === c);
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: uses, name: st('landUse') }, yAxis: { type: 'value', name: st('areaMu') },
      series: STD_CLASSES.map((c) => ({ type: 'bar', stack: 'std', id: c, name: L(c), data: uses.map((u) => mu(val(u, c)?.areaM2 ?? 0)) })),
    },
    table: { columns: [st('landUse'), st('stdClass'), st('count'), st('areaMu')], rows: d.land.rows.map((r) => [r.landUse ?? '—', L(r.standardClass), r.count, mu(r.areaM2)]) },
  };
}

/** Histogram of prices in one unit (the first when `unit` is not given), table with every unit. */
export function pricesChart(d: StatsData, unit?: string): Built {
  const u = d.prices.units.find((x) => x.unit === unit) ?? d.prices.units[0];
  return {
    option: {
      tooltip: { trigger: 'axis' }, grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
      title: { text: u ? `${priceUnitText(u.unit)} · ${st('median')} ${u.median}` : st('empty'), textStyle: { fontSize: 12 }, left: 'center', top: 0 },
      xAxis: { type: 'category', data: u ? u.bins.map((b) => `${b.from}–${b.to}`) : [], name: u ? priceUnitText(u.unit) : undefined, axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: st('count') },
      series: [{ type: 'bar', id: 'bins', name: st('count'), data: u ? u.bins.map((b) => b.count) : [], barCategoryGap: '5%', itemStyle: { color: '#5c6bc0' } }],
    },
    table: {
      columns: [st('unit'), st('count'), st('min'), st('p25'), st('median'), st('p75'), st('max'), st('mean'), st('priceRange'), st('count')],
      rows: d.prices.units.flatMap((x) => x.bins.map((b, i) => [priceUnitText(x.unit), i === 0 ? x.count : null, i === 0 ? x.min : null, i === 0 ? x.p25 : null, i === 0 ? x.median : null,
        i === 0 ? x.p75 : null, i === 0 ? x.max : null, i === 0 ? x.mean : null, `${b.from}–${b.to}`, b.count])),
    },
  };
}

/** Parks side by side: counts per status (grouped bars); the table carries the monthly trend. */
export function parksChart(d: StatsData): Built {
  const ps = d.parks.parks;
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: ps.map((p) => tr(p.name)), axisLabel: { ...axisLabel, width: 70 } }, yAxis: { type: 'value', name: st('count') },
      series: STATUSES.map((s) => ({
        type: 'bar', stack: 'parks', id: s, name: L(s), itemStyle: { color: STATUS_COLORS[s] },
        data: ps.map((p) => (s === 'available' ? p.availableCount : s === 'reserved' ? p.reservedCount : p.occupiedCount)),
      })),
    },
    table: {
      columns: [st('park'), st('county'), st('parkArea'), st('available'), st('reserved'), st('occupied'), st('availableMu'), ...d.parks.months],
      rows: ps.map((p) => [tr(p.name), countyName(d, p.county), mu(p.parkAreaM2), p.availableCount, p.reservedCount, p.occupiedCount, mu(p.availableAreaM2), ...p.availableAreaByMonth.map(mu)]),
    },
  };
}

/** Monthly available area (亩, lines) and count (dashed, right axis) per type, with 环比/同比 in the table. */
export function inventoryChart(d: StatsData): Built {
  const inv = d.inventory;
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 8, right: 8, top: 52, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: inv.months },
      yAxis: [{ type: 'value', name: st('availableMu') }, { type: 'value', name: st('availableCount'), splitLine: { show: false } }],
      series: inv.series.flatMap((s) => [
        { type: 'line', id: `${s.type}|area`, name: `${L(s.type)}·${st('availableMu')}`, data: s.points.map((p) => mu(p.availableAreaM2)), itemStyle: { color: TYPE_COLORS[s.type] }, smooth: false },
        { type: 'line', id: `${s.type}|count`, name: `${L(s.type)}·${st('availableCount')}`, yAxisIndex: 1, data: s.points.map((p) => p.availableCount), itemStyle: { color: TYPE_COLORS[s.type] }, lineStyle: { type: 'dashed' } },
      ]),
    },
    table: {
      columns: [st('month'), st('type'), st('count'), st('availableCount'), st('availableMu'), `${st('mom')}（%）`, `${st('yoy')}（%）`],
      rows: inv.series.flatMap((s) => s.points.map((p) => [p.month, L(s.type), p.count, p.availableCount, mu(p.availableAreaM2), p.momAreaPct, p.yoyAreaPct])),
    },
  };
}

/** Enquiries per month stacked by park. */
export function enquiriesChart(d: StatsData): Built {
  const e = d.enquiries!;
  const parks = [...new Set(e.rows.map((r) => r.park))];
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: e.months }, yAxis: { type: 'value', name: st('enquiries'), minInterval: 1 },
      series: parks.map((p) => ({ type: 'bar', stack: 'e', id: String(p), name: parkName(d, p), data: e.months.map((m) => e.rows.find((r) => r.park === p && r.month === m)?.count ?? 0) })),
    },
    table: { columns: [st('park'), st('month'), st('enquiries'), st('stageVisit'), st('stageSigned')], rows: e.rows.map((r) => [parkName(d, r.park), r.month, r.count, r.visited, r.signed]) },
  };
}

/** Funnel new → visit → signed. */
export function funnelChart(d: StatsData): Built {
  const f = d.enquiries!.funnel;
  const stages = [[st('stageNew'), f.new], [st('stageVisit'), f.visit], [st('stageSigned'), f.signed]] as const;
  return {
    option: {
      tooltip: { trigger: 'item' },
      series: [{ type: 'funnel', id: 'funnel', sort: 'none', top: 8, bottom: 8, left: '10%', width: '80%', minSize: '10%', label: { show: true, position: 'inside', formatter: '{b}: {c}' },
        data: stages.map(([name, value]) => ({ name, value })) }],
    },
    table: { columns: [st('stage'), st('enquiries'), st('share')], rows: stages.map(([n, v]) => [n, v, pct(v, f.new)]) },
  };
}

/** Share of carriers surveyed within 6 / 12 months, per county. */
export function freshnessChart(d: StatsData): Built {
  const cs = [...new Set(d.freshness.rows.map((r) => r.county))];
  const sum = (c: string, k: 'count' | 'within6' | 'within12') => d.freshness.rows.filter((r) => r.county === c).reduce((a, r) => a + r[k], 0);
  return {
    option: {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      title: { text: `${st('asOf')} ${d.freshness.asOf}`, right: 0, top: 0, textStyle: { fontSize: 11, fontWeight: 'normal' } },
      xAxis: { type: 'category', data: cs.map((c) => countyName(d, c)), axisLabel }, yAxis: { type: 'value', name: st('share'), max: 100 },
      series: [
        { type: 'bar', id: 'within6', name: st('within6'), data: cs.map((c) => pct(sum(c, 'within6'), sum(c, 'count'))), itemStyle: { color: '#00897b' } },
        { type: 'bar', id: 'within12', name: st('within12'), data: cs.map((c) => pct(sum(c, 'within12'), sum(c, 'count'))), itemStyle: { color: '#80cbc4' } },
      ],
    },
    table: {
      columns: [st('county'), st('type'), st('carriers'), st('within6'), st('within12'), `${st('within6')} %`, `${st('within12')} %`],
      rows: d.freshness.rows.map((r) => [countyName(d, r.county), L(r.type), r.count, r.within6, r.within12, pct(r.within6, r.count), pct(r.within12, r.count)]),
    },
  };
}

/** Figures the county map can be shaded by. */
export const MAP_FIGURES = ['availableAreaM2', 'availableCount', 'count', 'occupiedAreaM2', 'fresh12Pct'] as const;
export type MapFigure = (typeof MAP_FIGURES)[number];
export const mapFigureLabel = (f: MapFigure) => ({ availableAreaM2: st('availableMu'), availableCount: st('availableCount'), count: st('carriers'), occupiedAreaM2: st('occupiedMu'), fresh12Pct: st('fresh12') })[f];
/** Share (%) of a county's carriers surveyed within 12 months, from the freshness figures. */
function fresh12(d: StatsData, adcode: string): number {
  const rs = d.freshness.rows.filter((r) => r.county === adcode);
  const n = rs.reduce((a, r) => a + r.count, 0);
  return n ? Math.round((rs.reduce((a, r) => a + r.within12, 0) / n) * 1000) / 10 : 0;
}
const figureValue = (d: StatsData, p: StatsData['counties']['features'][number]['properties'], f: MapFigure) =>
  (f === 'fresh12Pct' ? fresh12(d, p.adcode) : f === 'availableAreaM2' || f === 'occupiedAreaM2' ? mu(p[f]) : p[f]);

/** The registered map's name (the GeoJSON is registered by the page). */
export const MAP_NAME = 'dazhou-counties';

/** Counties shaded by `figure`. */
export function mapChart(d: StatsData, figure: MapFigure): Built {
  const data = d.counties.features.map((f) => ({ name: f.properties.adcode, value: figureValue(d, f.properties, figure) }));
  const max = Math.max(1, ...data.map((x) => x.value));
  const names = Object.fromEntries(d.counties.features.map((f) => [f.properties.adcode, tr(f.properties.name)]));
  return {
    option: {
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${names[p.name] ?? p.name}<br>${mapFigureLabel(figure)}: ${p.value ?? 0}` },
      visualMap: { min: 0, max, left: 4, bottom: 4, calculable: true, itemHeight: 80, inRange: { color: ['#e3f2fd', '#1565c0'] } },
      series: [{
        type: 'map', id: 'map', map: MAP_NAME, nameProperty: 'adcode', roam: false, top: 8, bottom: 8, data,
        label: { show: true, fontSize: 10, formatter: (p: { name: string }) => names[p.name] ?? p.name }, emphasis: { label: { show: true } },
      }],
    },
    table: { columns: [st('county'), mapFigureLabel(figure)], rows: d.counties.features.map((f) => [tr(f.properties.name), figureValue(d, f.properties, figure)]) },
  };
}

/** Lang-specific helper for the sparkline SVG in the parks table. */
export function sparkline(values: number[], w = 90, h = 22): string {
  if (!values.length) return '';
  const max = Math.max(...values, 1);
  const pts = values.map((v, i) => `${values.length === 1 ? w / 2 : (i / (values.length - 1)) * w},${h - 2 - (v / max) * (h - 4)}`).join(' ');
  return `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" aria-hidden="true"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${pts}"/></svg>`;
}

export { getLang };
