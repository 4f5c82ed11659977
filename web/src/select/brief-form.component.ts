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
const INDUSTRIES = ['电子信息', '新材料', '智能制造', '生物医药', '现代物流', '食品加工', '能源化工', '纺织服装'];

/** The brief form. */
export class BriefFormComponent {
  readonly el: HTMLFormElement;
  readonly submitButton = h('button', { type: 'submit', class: 'primary-button wide', id: 'run-brief' }, st('search'));
  private readonly sum = h('span', { class: 'weight-sum', role: 'status' });

  /** `extra` is placed above the submit button (the draw-area tool). */
  constructor(private readonly kinds: KindLabels, onSubmit: () => void, extra: HTMLElement) {
    const num = (name: string, placeholder = '', attrs: Record<string, string> = {}) =>
      h('input', { name, type: 'number', min: '0', step: 'any', placeholder, inputmode: 'decimal', ...attrs });
    const label = (criterion: string) => criterion.startsWith('distance_') ? tr(this.kinds[criterion.slice(9)]) : tr(CRITERION_LABELS[criterion]);
    const section = (title: string, ...body: HTMLElement[]) => h('section', { class: 'brief-section' }, h('h3', {}, title), ...body);
    this.el = h('form', { class: 'brief-form', id: 'brief-form', onsubmit: (e: Event) => { e.preventDefault(); onSubmit(); } },
      section(st('layers'), h('div', { class: 'chips' },
        ...(['land', 'factories', 'offices'] as const).map((l) => h('label', { class: `chip chip-${l}` },
          h('input', { type: 'checkbox', name: 'layer', value: l, checked: true }), h('span', {}, st(l)))))),
      section(st('areaMu'), h('div', { class: 'range' }, num('areaMin', st('min')), h('span', { class: 'dash' }, '–'), num('areaMax', st('max')))),
      h('div', { class: 'two' },
        h('label', { class: 'field' }, h('span', {}, st('priceMax')), num('priceMax', '', { title: st('priceHint') })),
        h('label', { class: 'field' }, h('span', {}, st('powerKvaMin')), num('powerKvaMin'))),
      h('label', { class: 'field' }, h('span', {}, st('industry')),
        h('input', { name: 'industry', type: 'text', list: 'industry-list', placeholder: st('industryAny') }),
        h('datalist', { id: 'industry-list' }, ...INDUSTRIES.map((i) => h('option', { value: i })))),
      h('label', { class: 'switch' }, h('input', { type: 'checkbox', name: 'gas' }), h('span', {}, st('gas'))),
      section(st('maxDistance'), h('div', { class: 'grid-fields' },
        ...DISTANCE_KINDS.map((k) => h('label', { class: 'field' }, h('span', {}, tr(this.kinds[k]) || k), num(`max_${k}`, '—', { step: '100' }))))),
      h('section', { class: 'brief-section weights', oninput: () => this.updateSum() },
        h('h3', {}, st('weights'), this.sum),
        h('div', { class: 'grid-fields' },
          ...WEIGHTED.map((c) => h('label', { class: 'field weight' }, h('span', {}, label(c)),
            h('span', { class: 'pct' }, h('input', { name: `w_${c}`, type: 'number', min: '0', max: '100', step: '5', value: String(DEFAULT_WEIGHTS[c] ?? 0) }), '%'))))),
      extra,
      this.submitButton);
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
    const bad = Math.abs(total - 100) > 0.01 && total !== 0;
    this.sum.textContent = st(bad ? 'weightSumBad' : 'weightSum', { n: total });
    this.sum.classList.toggle('bad', bad);
  }

  /** Set form fields by name (tests and stored briefs): text, number and checkbox inputs. */
  set(values: Record<string, string | number | boolean>): void {
    for (const [name, v] of Object.entries(values)) {
      const input = this.el.elements.namedItem(name) as HTMLInputElement | null;
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = Boolean(v);
      else input.value = String(v);
    }
    this.updateSum();
  }

  /** Whether the brief can be sent as it stands: every field valid and the weights summing to 100 (or none). */
  ready(): boolean {
    const total = Object.values(this.weights()).reduce((s, v) => s + v, 0);
    return this.el.checkValidity() && (total === 0 || Math.abs(total - 100) <= 0.01);
  }

  /** The brief as the API takes it. */
  brief(): Record<string, unknown> {
    const layers = [...this.el.querySelectorAll<HTMLInputElement>('input[name=layer]:checked')].map((i) => i.value);
    const b: Record<string, unknown> = layers.length ? { layers } : {};
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
