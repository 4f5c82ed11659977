import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../shared/i18n.service.ts';
import { priceUnitText, pricesChart, type StatsData } from './stats.charts.ts';

const prices = {
  units: [{ unit: '万元/亩', count: 3, min: 10, max: 30, mean: 20, p25: 15, median: 20, p75: 25, bins: [{ from: 10, to: 30, count: 3 }] },
    { unit: '元/m²·月', count: 1, min: 12, max: 12, mean: 12, p25: 12, median: 12, p75: 12, bins: [{ from: 12, to: 12, count: 1 }] }],
};
const data = { prices } as unknown as StatsData;

afterEach(() => setLang('zh'));

describe('price units on the dashboard', () => {
  it('are shown in the page language, from the layer catalog', () => {
    expect(priceUnitText('万元/亩')).toBe('万元/亩');
    setLang('en');
    expect(priceUnitText('万元/亩')).toBe('10k CNY/mu');
    expect(priceUnitText('元/m²·月')).toBe('CNY/m²/month');
    expect(priceUnitText('股')).toBe('股'); // unknown: as stored
  });

  it('title the histogram, name its axis and fill the unit column in English', () => {
    setLang('en');
    const { option, table } = pricesChart(data, '元/m²·月');
    expect((option.title as { text: string }).text).toBe('CNY/m²/month · Median 12');
    expect((option.xAxis as { name: string }).name).toBe('CNY/m²/month');
    expect(table.rows.map((r) => r[0])).toEqual(['10k CNY/mu', 'CNY/m²/month']);
  });
});
