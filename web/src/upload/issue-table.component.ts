/**
 * The issue table (`#issue-table`): every problem of a batch naming file, row/feature, field and
 * value; filter errors vs warnings, sort by file or row. An issue is an error when its item was
 * rejected (or the server says so in `severity`), a warning otherwise; file-level issues are
 * counted as errors when the whole batch has no items from that file.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, t } from '../shared/i18n.service.ts';
import type { ImportIssue, ImportItems } from './imports.service.ts';
import { formatValue } from './upload-format.util.ts';

/** An issue with its level and the id of its item (for focusing it on the map). */
export interface IssueRow extends ImportIssue {
  level: 'error' | 'warning';
  itemId: number | string | null;
}

type Filter = 'all' | 'error' | 'warning';
type SortKey = 'file' | 'row';

/** Give every issue a level and its item id, from the server's `severity` or the item's status. */
export function classifyIssues(issues: ImportIssue[], items: ImportItems | null): IssueRow[] {
  const byKey = new Map<string, { id: number | string | null; status: string }>();
  const filesWithItems = new Set<string>();
  for (const f of items?.features ?? []) {
    byKey.set(`${f.properties.file}\u0000${f.properties.index}`, { id: f.id ?? null, status: f.properties.status });
    if (f.properties.status !== 'rejected') filesWithItems.add(f.properties.file);
  }
  return issues.map((i) => {
    const item = i.index === null || i.index === undefined ? undefined : byKey.get(`${i.file}\u0000${i.index}`);
    const level = i.severity
      ?? (item ? (item.status === 'rejected' ? 'error' : 'warning') : filesWithItems.has(i.file) ? 'warning' : 'error');
    return { ...i, level, itemId: item?.id ?? null };
  });
}

/** The issue table card. */
export class IssueTableComponent {
  readonly element: HTMLElement;
  private rows: IssueRow[] | null = null;
  private error: string | null = null;
  private filter: Filter = 'all';
  private sort: { key: SortKey; dir: 1 | -1 } | null = null;

  constructor(private readonly onFocusItem: (id: number | string) => void) {
    this.element = h('section', { id: 'issue-table', class: 'card panel', 'aria-labelledby': 'issue-table-title' });
  }

  /** Show `rows` (null while loading) or an error. Keeps the filter and sort. */
  update(rows: IssueRow[] | null, error: string | null = null): void {
    this.rows = rows;
    this.error = error;
    this.render();
  }

  private sorted(rows: IssueRow[]): IssueRow[] {
    if (!this.sort) return rows;
    const { key, dir } = this.sort;
    const byRow = (a: IssueRow, b: IssueRow) => (a.index ?? -1) - (b.index ?? -1);
    const byFile = (a: IssueRow, b: IssueRow) => a.file.localeCompare(b.file, undefined, { numeric: true });
    return [...rows].sort((a, b) => dir * (key === 'file' ? byFile(a, b) || byRow(a, b) : byRow(a, b) || byFile(a, b)));
  }

  private sortHeader(key: SortKey, label: string): HTMLElement {
    const on = this.sort?.key === key;
    const arrow = on ? (this.sort!.dir === 1 ? ' ▲' : ' ▼') : '';
    return h('th', { scope: 'col', 'aria-sort': on ? (this.sort!.dir === 1 ? 'ascending' : 'descending') : 'none' },
      h('button', {
        type: 'button', class: 'sort-button', 'data-sort': key, title: t('issuesSortBy'),
        onclick: () => {
          this.sort = { key, dir: on && this.sort!.dir === 1 ? -1 : 1 };
          this.render();
        },
      }, label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, arrow)));
  }

  /** Redraw (also after a language switch). */
  render(): void {
    const rows = this.rows ?? [];
    const counts = { all: rows.length, error: rows.filter((r) => r.level === 'error').length, warning: rows.filter((r) => r.level === 'warning').length };
    const filterButton = (f: Filter, label: string) => h('button', {
      type: 'button', class: `segment${this.filter === f ? ' on' : ''}`, 'data-filter': f, 'aria-pressed': String(this.filter === f),
      onclick: () => { this.filter = f; this.render(); },
    }, label, h('span', { class: 'segment-count' }, formatNumber(counts[f], 0)));
    const head = h('div', { class: 'panel-head' },
      h('h2', { id: 'issue-table-title', class: 'panel-title' }, t('issuesTitle')),
      h('div', { class: 'segmented', role: 'group', 'aria-label': t('issuesLevel') },
        filterButton('all', t('issuesAll')), filterButton('error', t('issuesErrors')), filterButton('warning', t('issuesWarnings'))));

    let body: HTMLElement;
    if (this.error) body = h('p', { class: 'error', role: 'alert' }, this.error);
    else if (!this.rows) body = h('p', { class: 'muted' }, t('loading'));
    else if (!rows.length) body = h('p', { class: 'muted empty ok' }, t('issuesNone'));
    else {
      const shown = this.sorted(this.filter === 'all' ? rows : rows.filter((r) => r.level === this.filter));
      body = h('div', { class: 'table-wrap' },
        h('table', { class: 'issues' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, t('issuesLevel')),
            this.sortHeader('file', t('itemFile')),
            this.sortHeader('row', t('issuesRow')),
            h('th', { scope: 'col' }, t('issuesField')),
            h('th', { scope: 'col' }, t('issuesValue')),
            h('th', { scope: 'col' }, t('issuesMessage')))),
          h('tbody', {}, shown.length
            ? shown.map((r) => {
              const tr = h('tr', { 'data-level': r.level, class: r.itemId !== null ? 'focusable' : null, tabindex: r.itemId !== null ? '0' : null },
                h('td', {}, h('span', { class: 'level', 'data-level': r.level },
                  r.index === null || r.index === undefined ? `${t('issuesLevelFile')} · ` : '', r.level === 'error' ? t('issueError') : t('issueWarning'))),
                h('td', { class: 'file', title: r.file }, r.file),
                h('td', { class: 'where' }, r.where ?? (r.index === null || r.index === undefined ? '—' : String(r.index + 1))),
                h('td', {}, r.field ? h('code', {}, r.field) : ''),
                h('td', { class: 'value' }, r.value !== undefined && r.value !== null ? h('code', {}, formatValue(r.value)) : ''),
                h('td', { class: 'message' }, r.message));
              if (r.itemId !== null) {
                const focus = () => this.onFocusItem(r.itemId!);
                tr.addEventListener('click', focus);
                tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') focus(); });
              }
              return tr;
            })
            : h('tr', {}, h('td', { colspan: '6', class: 'muted empty' }, t('issuesNoneFiltered'))))));
    }
    this.element.replaceChildren(head, body);
  }
}
