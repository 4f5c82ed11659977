/**
 * The ranked results: each site with its score and, on demand, how each criterion contributed;
 * a compare tray of up to 4 sites side by side; checkboxes that pick sites for the shortlist.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, tr } from '../shared/i18n.service.ts';
import type { KindLabels } from './brief-form.component.ts';
import type { SelectionResponse, SelectionResult } from './selection.service.ts';
import { CRITERION_LABELS, st } from './select.i18n.ts';

const MAX_COMPARE = 4;

/** Results list and compare tray. */
export class ResultsComponent {
  readonly el = h('section', { class: 'results' });
  private readonly compareEl = h('section', { class: 'compare', hidden: true });
  private results: SelectionResult[] = [];
  readonly compared = new Set<number>();
  readonly picked = new Set<number>();

  constructor(private readonly kinds: KindLabels, private readonly onFocus: (r: SelectionResult) => void) {}

  /** Element of the compare tray (placed by the page). */
  get compareTray(): HTMLElement {
    return this.compareEl;
  }

  private label(criterion: string): string {
    return criterion.startsWith('distance_') ? tr(this.kinds[criterion.slice(9)]) : tr(CRITERION_LABELS[criterion]) || criterion;
  }

  private valueText(c: { value: number | null; unit: string | null }): string {
    return c.value === null ? '—' : `${formatNumber(c.value)} ${c.unit ?? ''}`.trim();
  }

  /** Show a new answer. */
  show(res: SelectionResponse): void {
    this.results = res.results;
    this.compared.clear();
    this.el.replaceChildren(
      h('p', { class: 'matched' }, st('matched', { n: res.numberMatched })),
      res.results.length ? h('ol', {}, ...res.results.map((r) => this.item(r))) : h('p', {}, st('noResults')),
    );
    this.renderCompare();
  }

  private item(r: SelectionResult): HTMLElement {
    return h('li', { class: 'result', 'data-id': r.id },
      h('div', { class: 'head' },
        h('button', { type: 'button', class: 'link', onclick: () => this.onFocus(r) }, r.name),
        h('span', { class: 'score', title: st('score') }, formatNumber(r.score, 1))),
      h('div', { class: 'sub' }, `${formatNumber(r.area_m2 / (10000 / 15), 1)} 亩 · ${r.price === null ? '—' : `${formatNumber(r.price)} ${r.price_unit ?? ''}`}`),
      h('details', {}, h('summary', {}, st('score')),
        h('table', { class: 'explain' }, h('tbody', {}, ...r.criteria.map((c) => h('tr', {},
          h('th', {}, this.label(c.criterion)), h('td', {}, this.valueText(c)),
          h('td', { class: 'num' }, c.score === null ? (c.pass ? '✓' : '') : `${formatNumber(c.score, 1)} × ${c.weight}%`)))))),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', name: 'compare', checked: this.compared.has(r.id),
        onchange: (e: Event) => this.toggle(this.compared, r.id, (e.target as HTMLInputElement), MAX_COMPARE),
      }), st('compare')),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', name: 'pick', checked: this.picked.has(r.id),
        onchange: (e: Event) => this.toggle(this.picked, r.id, (e.target as HTMLInputElement), 100),
      }), st('shortlist')));
  }

  private toggle(set: Set<number>, id: number, box: HTMLInputElement, max: number): void {
    if (box.checked && set.size >= max) {
      box.checked = false;
      return;
    }
    if (box.checked) set.add(id);
    else set.delete(id);
    if (set === this.compared) this.renderCompare();
  }

  private renderCompare(): void {
    const sites = this.results.filter((r) => this.compared.has(r.id));
    this.compareEl.hidden = sites.length < 2;
    if (sites.length < 2) return;
    const criteria = [...new Set(sites.flatMap((s) => s.criteria.map((c) => c.criterion)))];
    this.compareEl.replaceChildren(h('h2', {}, st('compareTitle')), h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}), ...sites.map((s) => h('th', {}, s.name)))),
      h('tbody', {},
        h('tr', {}, h('th', {}, st('score')), ...sites.map((s) => h('td', { class: 'num' }, formatNumber(s.score, 1)))),
        ...criteria.map((c) => h('tr', {}, h('th', {}, this.label(c)),
          ...sites.map((s) => {
            const x = s.criteria.find((y) => y.criterion === c);
            return h('td', { class: 'num' }, x ? this.valueText(x) : '—');
          }))))));
  }
}
