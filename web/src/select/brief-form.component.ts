/**
 * The brief form: carrier types, area (亩), price, industry, power, gas, maximum distances and
 * weights. `brief()` returns the JSON the API takes; the drawn area is added by the page.
 */
import { h } from '../shared/dom.util.ts';
import { tr } from '../shared/i18n.service.ts';
import { CRITERION_LABELS, st } from './select.i18n.ts';

/** Amenity kinds and their labels, from the layer catalog. */
export type KindLabels = Record<string, { zh: string; en: string }>;

const WEIGHTED = ['price', 'area', 'power', 'distance_highway_exit', 'distance_school', 'distance_hospital', 'distance_bus_stop', 'distance_logistics'];
const DEFAULT_WEIGHTS: Record<string, number> = { price: 40, area: 20, distance_highway_exit: 20, distance_school: 20 };
const DISTANCE_KINDS = ['highway_exit', 'school', 'hospital', 'logistics'];

/** The brief form. */
export class BriefFormComponent {
  readonly el: HTMLFormElement;
  private readonly sum = h('span', { class: 'weight-sum' });

  constructor(private readonly kinds: KindLabels, onSubmit: () => void) {
    const num = (name: string, placeholder = '') => h('input', { name, type: 'number', min: '0', step: 'any', placeholder, inputmode: 'decimal' });
    const label = (criterion: string) => criterion.startsWith('distance_') ? `${tr(this.kinds[criterion.slice(9)])} ↓` : tr(CRITERION_LABELS[criterion]);
    this.el = h('form', { class: 'brief-form', onsubmit: (e: Event) => { e.preventDefault(); onSubmit(); } },
      h('fieldset', {}, h('legend', {}, st('layers')),
        ...(['land', 'factories', 'offices'] as const).map((l) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'layer', value: l, checked: true }), st(l)))),
      h('fieldset', {}, h('legend', {}, st('areaMu')),
        h('div', { class: 'row' }, num('areaMin', st('min')), '–', num('areaMax', st('max')))),
      h('label', {}, st('priceMax'), num('priceMax')),
      h('label', {}, st('industry'), h('input', { name: 'industry', type: 'text', placeholder: '电子信息' })),
      h('label', {}, st('powerKvaMin'), num('powerKvaMin')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'gas' }), st('gas')),
      h('fieldset', {}, h('legend', {}, st('maxDistance')),
        ...DISTANCE_KINDS.map((k) => h('label', { class: 'inline' }, tr(this.kinds[k]), num(`max_${k}`)))),
      h('fieldset', { class: 'weights', oninput: () => this.updateSum() }, h('legend', {}, st('weights')),
        ...WEIGHTED.map((c) => h('label', { class: 'inline' }, label(c), h('input', { name: `w_${c}`, type: 'number', min: '0', max: '100', step: '1', value: String(DEFAULT_WEIGHTS[c] ?? 0) }))),
        this.sum),
      h('button', { type: 'submit', class: 'primary' }, st('search')));
    this.updateSum();
  }

  private value(name: string): number | null {
    const input = this.el.elements.namedItem(name) as HTMLInputElement | null;
    if (!input || input.value.trim() === '') return null;
    const v = Number(input.value);
    return Number.isFinite(v) ? v : null;
  }

  private weights(): Record<string, number> {
    const w: Record<string, number> = {};
    for (const c of WEIGHTED) {
      const v = this.value(`w_${c}`);
      if (v) w[c] = v;
    }
    return w;
  }

  private updateSum(): void {
    const total = Object.values(this.weights()).reduce((s, v) => s + v, 0);
    this.sum.textContent = st('weightSum', { n: total });
    this.sum.classList.toggle('bad', Math.abs(total - 100) > 0.01 && total !== 0);
  }

  /** The brief as the API takes it. */
  brief(): Record<string, unknown> {
    const layers = [...this.el.querySelectorAll<HTMLInputElement>('input[name=layer]:checked')].map((i) => i.value);
    const b: Record<string, unknown> = { layers };
    const areaMin = this.value('areaMin');
    const areaMax = this.value('areaMax');
    if (areaMin !== null || areaMax !== null) b.areaMu = { ...(areaMin !== null ? { min: areaMin } : {}), ...(areaMax !== null ? { max: areaMax } : {}) };
    const priceMax = this.value('priceMax');
    if (priceMax !== null) b.priceMax = priceMax;
    const industry = (this.el.elements.namedItem('industry') as HTMLInputElement).value.trim();
    if (industry) b.industry = industry;
    const power = this.value('powerKvaMin');
    if (power !== null) b.powerKvaMin = power;
    if ((this.el.elements.namedItem('gas') as HTMLInputElement).checked) b.gas = true;
    const maxDistanceM: Record<string, number> = {};
    for (const k of DISTANCE_KINDS) {
      const v = this.value(`max_${k}`);
      if (v !== null) maxDistanceM[k] = v;
    }
    if (Object.keys(maxDistanceM).length) b.maxDistanceM = maxDistanceM;
    const weights = this.weights();
    if (Object.keys(weights).length) b.weights = weights;
    return b;
  }
}
