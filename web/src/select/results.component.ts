/**
 * The ranked results: one card per site with its score, a bar showing what each weighted
 * criterion contributed and, on demand, the explanation table; a compare tray of up to 4 sites
 * side by side; buttons that pick sites for the shortlist.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, tr } from '../shared/i18n.service.ts';
import type { KindLabels } from './brief-form.component.ts';
import type { LayerInfo } from '../shared/api.types.ts';
import type { CriterionExplanation, SelectionResponse, SelectionResult } from './selection.service.ts';
import { CRITERION_LABELS, formatDistance, st } from './select.i18n.ts';

const MAX_COMPARE = 4;
const MU_M2 = 10000 / 15;
const PALETTE = ['#0b3d91', '#2e7d32', '#ff6d00', '#6a1b9a', '#00838f', '#c62828', '#5d4037', '#546e7a'];

/** Callbacks of the results list. */
export interface ResultsHandlers {
  focus: (r: SelectionResult) => void;
  picked: () => void;
}

/** Results list and compare tray. */
export class ResultsComponent {
  readonly el = h('section', { class: 'results', id: 'results' });
  private readonly compareEl = h('section', { class: 'compare card', id: 'compare', hidden: true });
  private results: SelectionResult[] = [];
  private colors = new Map<string, string>();
  readonly compared = new Set<number>();
  /** Picked sites, in the order they were picked. */
  readonly picked = new Map<number, SelectionResult>();

  constructor(private readonly kinds: KindLabels, private readonly on: ResultsHandlers, private readonly layers: LayerInfo[] = []) {}

  /** The catalog's title of a carrier layer (the card's tag). */
  private layerTitle(layer: string): string {
    return tr(this.layers.find((l) => l.id === layer)?.title) || layer;
  }

  /** Element of the compare tray (placed by the page). */
  get compareTray(): HTMLElement {
    return this.compareEl;
  }

  private label(criterion: string): string {
    return criterion.startsWith('distance_') ? tr(this.kinds[criterion.slice(9)]) || criterion : tr(CRITERION_LABELS[criterion]) || criterion;
  }

  private valueText(c: Pick<CriterionExplanation, 'value' | 'unit' | 'criterion'>): string {
    if (c.value === null) return '—';
    if (c.criterion === 'area') return `${formatNumber(c.value / MU_M2, 1)} 亩`;
    if (c.unit === 'm') return formatDistance(c.value);
    return `${formatNumber(c.value)} ${c.unit ?? ''}`.trim();
  }

  /** Show a new answer. */
  show(res: SelectionResponse): void {
    this.results = res.results;
    this.compared.clear();
    const weighted = [...new Set(res.results.flatMap((r) => r.criteria.filter((c) => c.weight > 0).map((c) => c.criterion)))];
    this.colors = new Map(weighted.map((c, i) => [c, PALETTE[i % PALETTE.length]]));
    this.el.replaceChildren(...[
      h('header', { class: 'results-head' },
        h('strong', { class: 'matched' }, st('matched', { n: formatNumber(res.numberMatched, 0) })),
        res.numberReturned < res.numberMatched ? h('span', { class: 'muted' }, st('shownTop', { n: res.numberReturned })) : null),
      weighted.length ? h('p', { class: 'key' }, ...weighted.map((c) => h('span', {}, h('i', { style: `background:${this.colors.get(c)}` }), this.label(c)))) : null,
      res.results.length ? h('ol', { class: 'result-list' }, ...res.results.map((r) => this.item(r))) : h('p', { class: 'empty' }, st('noResults')),
    ].filter((e): e is HTMLElement => e !== null));
    this.renderCompare();
  }

  /** Mark the card of site `id` as focused and scroll it into view. */
  highlight(id: number | null): void {
    for (const li of this.el.querySelectorAll<HTMLElement>('.result')) {
      const on = li.dataset.id === String(id);
      li.classList.toggle('focused', on);
      if (on) li.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  /** Take site `id` off the shortlist. */
  unpick(id: number): void {
    this.picked.delete(id);
    const btn = this.el.querySelector<HTMLButtonElement>(`.result[data-id="${id}"] button[name=pick]`);
    if (btn) {
      btn.setAttribute('aria-pressed', 'false');
      btn.textContent = `＋ ${st('shortlist')}`;
    }
    this.on.picked();
  }

  private item(r: SelectionResult): HTMLElement {
    const weighted = r.criteria.filter((c) => c.weight > 0 && c.score !== null);
    const bar = h('div', { class: 'score-bar', 'aria-hidden': 'true' },
      ...weighted.map((c) => h('span', { style: `width:${(c.weight * (c.score ?? 0)) / 100}%;background:${this.colors.get(c.criterion)}`, title: this.label(c.criterion) })));
    const pickBtn = h('button', { type: 'button', class: 'pill pick', 'aria-pressed': String(this.picked.has(r.id)), name: 'pick' });
    const setPick = () => {
      const on = this.picked.has(r.id);
      pickBtn.setAttribute('aria-pressed', String(on));
      pickBtn.textContent = on ? `✓ ${st('shortlisted')}` : `＋ ${st('shortlist')}`;
    };
    setPick();
    pickBtn.addEventListener('click', () => {
      if (this.picked.has(r.id)) this.picked.delete(r.id);
      else this.picked.set(r.id, r);
      setPick();
      this.on.picked();
    });
    const cmpBox = h('input', { type: 'checkbox', name: 'compare', checked: this.compared.has(r.id) });
    cmpBox.addEventListener('change', () => {
      if (cmpBox.checked && this.compared.size >= MAX_COMPARE) {
        cmpBox.checked = false;
        cmpBox.closest('label')!.title = st('compareFull');
        return;
      }
      if (cmpBox.checked) this.compared.add(r.id);
      else this.compared.delete(r.id);
      this.renderCompare();
    });
    return h('li', { class: 'result', 'data-id': r.id },
      h('div', { class: 'rank' }, String(r.rank)),
      h('div', { class: 'body' },
        h('div', { class: 'head' },
          h('button', { type: 'button', class: 'name', onclick: () => this.on.focus(r) }, r.name),
          h('span', { class: 'score', title: st('score') }, h('strong', {}, formatNumber(r.score, 1)), h('small', {}, st('points')))),
        h('div', { class: 'facts' },
          h('span', { class: `tag tag-${r.layer}` }, this.layerTitle(r.layer)),
          h('span', {}, `${formatNumber(r.area_m2 / MU_M2, 1)} 亩`),
          h('span', {}, r.price === null ? '—' : `${formatNumber(r.price)} ${r.price_unit ?? ''}`),
          r.land_use ? h('span', {}, r.land_use) : null),
        bar,
        h('details', { class: 'explain' }, h('summary', {}, st('why')),
          h('table', {},
            h('thead', {}, h('tr', {}, h('th', {}, st('criterion')), h('th', {}, st('value')), h('th', { class: 'num' }, st('score')), h('th', { class: 'num' }, st('contribution')))),
            h('tbody', {}, ...r.criteria.map((c) => h('tr', {},
              h('th', {}, c.weight > 0 ? h('i', { class: 'dot', style: `background:${this.colors.get(c.criterion)}` }) : null, this.label(c.criterion)),
              h('td', {}, this.valueText(c), c.pass ? h('span', { class: 'pass', title: st('passes') }, ' ✓') : null),
              h('td', { class: 'num' }, c.score === null ? '' : `${formatNumber(c.score, 1)} × ${c.weight}%`),
              h('td', { class: 'num' }, c.score === null ? '' : formatNumber((c.score * c.weight) / 100, 1)))))),
          h('p', { class: 'formula' }, st('explainFormula'))),
        h('div', { class: 'actions' },
          h('label', { class: 'pill compare-toggle' }, cmpBox, h('span', {}, st('compare'))),
          pickBtn)));
  }

  private renderCompare(): void {
    const sites = this.results.filter((r) => this.compared.has(r.id));
    this.compareEl.hidden = sites.length < 2;
    if (sites.length < 2) return;
    const criteria = [...new Set(sites.flatMap((s) => s.criteria.map((c) => c.criterion)))];
    const best = (c: string) => {
      const scores = sites.map((s) => s.criteria.find((x) => x.criterion === c)?.score ?? null);
      const max = Math.max(...scores.map((x) => x ?? -1));
      return (i: number) => max >= 0 && scores[i] === max && sites.length > 1;
    };
    this.compareEl.replaceChildren(
      h('header', {}, h('h2', {}, st('compareTitle'), h('small', {}, ` ${sites.length}/${MAX_COMPARE}`)),
        h('button', { type: 'button', class: 'text-button', onclick: () => {
          this.compared.clear();
          for (const b of this.el.querySelectorAll<HTMLInputElement>('input[name=compare]')) b.checked = false;
          this.renderCompare();
        } }, st('closeCompare'))),
      h('div', { class: 'compare-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}), ...sites.map((s) => h('th', {}, h('span', { class: 'mini-rank' }, String(s.rank)), s.name)))),
        h('tbody', {},
          h('tr', { class: 'total' }, h('th', {}, st('score')), ...sites.map((s) => h('td', { class: 'num' }, formatNumber(s.score, 1)))),
          ...criteria.map((c) => {
            const isBest = best(c);
            return h('tr', {}, h('th', {}, this.label(c)),
              ...sites.map((s, i) => {
                const x = s.criteria.find((y) => y.criterion === c);
                return h('td', { class: `num${isBest(i) ? ' best' : ''}` }, x ? this.valueText(x) : '—');
              }));
          })))));
  }
}
