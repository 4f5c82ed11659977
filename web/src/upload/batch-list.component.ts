/**
 * The list of recent import batches (`#batch-list`): number, target layer, status chip, files and
 * time; a click opens the batch's preview.
 */
import { h } from '../shared/dom.util.ts';
import { t } from '../shared/i18n.service.ts';
import type { ImportBatch } from './imports.service.ts';
import { formatTime, layerLabel, statusLabel } from './upload-format.util.ts';

/** A status chip (`.status-chip[data-status]`), shared with the preview header. */
export function statusChip(status: string): HTMLElement {
  return h('span', { class: 'status-chip', 'data-status': status }, statusLabel(status));
}

/** The batch list card. */
export class BatchListComponent {
  readonly element: HTMLElement;
  private batches: ImportBatch[] | null = null;
  private selected: number | null = null;
  private error: string | null = null;

  constructor(
    private readonly onSelect: (id: number) => void,
    private readonly onRefresh: () => void,
  ) {
    this.element = h('section', { id: 'batch-list', class: 'card panel', 'aria-labelledby': 'batch-list-title' });
  }

  /** Show `batches` (null while loading) or an error message. */
  update(batches: ImportBatch[] | null, error: string | null = null): void {
    this.batches = batches;
    this.error = error;
    this.render();
  }

  /** Highlight batch `id`. */
  select(id: number | null): void {
    this.selected = id;
    for (const el of this.element.querySelectorAll<HTMLElement>('.batch-item')) {
      const on = Number(el.dataset.batchId) === id;
      el.classList.toggle('selected', on);
      el.setAttribute('aria-current', String(on));
    }
  }

  /** Redraw (also after a language switch). */
  render(): void {
    const head = h('div', { class: 'panel-head' },
      h('h2', { id: 'batch-list-title', class: 'panel-title' }, t('uploadBatches')),
      h('button', { id: 'batch-refresh', type: 'button', class: 'text-button small', onclick: () => this.onRefresh() }, t('uploadRefresh')));
    let body: HTMLElement;
    if (this.error) body = h('p', { class: 'error', role: 'alert' }, this.error);
    else if (!this.batches) body = h('p', { class: 'muted' }, t('loading'));
    else if (!this.batches.length) body = h('p', { class: 'muted empty' }, t('uploadNoBatches'));
    else {
      body = h('ul', { class: 'batch-items' }, this.batches.map((b) => {
        const files = b.files ?? [];
        const first = files[0]?.name ?? '';
        return h('li', {},
          h('button', {
            type: 'button', class: `batch-item${b.id === this.selected ? ' selected' : ''}`, 'data-batch-id': String(b.id),
            'data-status': b.status, 'aria-current': String(b.id === this.selected), onclick: () => this.onSelect(b.id),
          },
          h('span', { class: 'batch-line' },
            h('strong', {}, t('uploadBatchN', { id: b.id })),
            h('span', { class: 'batch-layer' }, layerLabel(b.layer)),
            statusChip(b.status)),
          h('span', { class: 'batch-line muted' },
            h('span', { class: 'batch-files', title: files.map((f) => f.name).join('\n') },
              files.length > 1 ? `${first} · ${t('uploadBatchFiles', { n: files.length })}` : first),
            h('time', { datetime: b.createdAt }, formatTime(b.createdAt)))));
      }));
    }
    this.element.replaceChildren(head, body);
  }
}
