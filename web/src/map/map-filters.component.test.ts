import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../shared/api.types.ts';
import { setLang, t } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { availableCount, MapFiltersComponent } from './map-filters.component.ts';

afterEach(() => setLang('zh'));

const row = (county: string, layer: string, status: string, count: number): SummaryRow =>
  ({ county, layer, status, count, areaM2: null, floorAreaM2: null });
const ROWS = [row('511702', 'land', 'available', 3), row('511703', 'land', 'available', 4), row('511702', 'land', 'occupied', 9), row('511702', 'offices', 'available', 2)];

describe('availableCount', () => {
  it('counts available carriers of a layer, in one county or all', () => {
    expect(availableCount(ROWS, 'land', null)).toBe(7);
    expect(availableCount(ROWS, 'land', '511702')).toBe(3);
    expect(availableCount(ROWS, 'factories', null)).toBe(0);
  });
});

describe('the map page in the page shell', () => {
  it('puts county filter, summary and mode toggle into the shell, and redraws them with it', () => {
    let shell: PageShell | undefined;
    const picked: (string | null)[] = [];
    let modeClicks = 0;
    const filters = new MapFiltersComponent({ onCounty: (c) => picked.push(c), onMode: () => modeClicks++, onChange: () => shell?.render() });
    shell = new PageShell({ page: 'map', title: () => ({ long: t('appTitle') }), middle: () => filters.middle(), controls: () => filters.controls() });
    const el = shell.element;
    filters.update({ rows: ROWS, counties: [{ adcode: '511702', name: { zh: '通川区', en: 'Tongchuan' } }] });
    const chip = (layer: string) => el.querySelector(`#summary [data-layer="${layer}"] strong`)!.textContent;
    expect(chip('land')).toBe('7');
    filters.update({ county: '511702' });
    expect(chip('land')).toBe('3');
    const select = el.querySelector<HTMLSelectElement>('#county-filter')!;
    expect(select.value).toBe('511702');
    select.value = '';
    select.dispatchEvent(new Event('change'));
    expect(picked).toEqual([null]);
    el.querySelector<HTMLButtonElement>('#mode-toggle')!.click();
    expect(modeClicks).toBe(1);
    filters.update({ mode: '3d' });
    expect(el.querySelector('#mode-toggle')!.getAttribute('data-mode')).toBe('3d');
    // The shell's own parts are there, and the filters follow a language switch.
    expect(el.querySelector('#lang-toggle')).not.toBeNull();
    expect(el.querySelector('#sign-in')).not.toBeNull();
    el.querySelector<HTMLButtonElement>('#lang-toggle')!.click();
    expect(el.querySelector('#county-filter option[value="511702"]')!.textContent).toBe('Tongchuan');
  });
});
