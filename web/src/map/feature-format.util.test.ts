import { afterEach, describe, expect, it } from 'vitest';
import { LAYERS } from '../../../layers/catalog.ts';
import { setLang } from '../shared/i18n.service.ts';
import { formatArea, formatAttribute, isEmptyValue, M2_PER_MU } from './feature-format.util.ts';

const land = LAYERS.find((l) => l.id === 'land')!;
const attr = (name: string) => land.attributes.find((a) => a.name === name)!;
const ctx = { countyName: (a: string) => (a === '511702' ? '通川区' : undefined), parkName: () => undefined };

afterEach(() => setLang('zh'));

describe('formatArea', () => {
  it('gives m², 亩 and 公顷 in Chinese, mu and ha in English', () => {
    setLang('zh');
    expect(formatArea(M2_PER_MU * 30)).toBe('20,000 m² · 30 亩 · 2 公顷');
    setLang('en');
    const en = formatArea(M2_PER_MU * 30);
    expect(en.startsWith('20,000 m² · 30 ')).toBe(true);
    expect(en).not.toMatch(/亩|公顷/);
  });
});

describe('formatAttribute', () => {
  it('shows an enum by its label in the current language', () => {
    const status = attr('status');
    const [value, label] = Object.entries(status.values!)[0]!;
    setLang('zh');
    expect(formatAttribute(status, value, {}, ctx)).toBe(label.zh);
    setLang('en');
    expect(formatAttribute(status, value, {}, ctx)).toBe(label.en);
  });

  it('joins lists from arrays, JSON text and Postgres array text alike', () => {
    const industries = land.attributes.find((a) => a.type === 'string[]')!;
    setLang('zh');
    expect(formatAttribute(industries, ['a', 'b'], {}, ctx)).toBe('a、b');
    expect(formatAttribute(industries, '["a","b"]', {}, ctx)).toBe('a、b');
    setLang('en');
    expect(formatAttribute(industries, '{a,b}', {}, ctx)).toBe('a, b');
  });

  it('counts null, empty text and empty lists as missing, and zero or false as present', () => {
    expect([null, undefined, '', []].every(isEmptyValue)).toBe(true);
    expect([0, false, 'x'].some(isEmptyValue)).toBe(false);
  });
});
