/**
 * The list of tours (`tour.html` without an id): one card per tour the viewer may see, and for
 * staff the buttons that create a tour, or generate one from a park or from site ids.
 */
import { h } from '../shared/dom.util.ts';
import { getLang, t, tr } from '../shared/i18n.service.ts';
import type { TourSummary } from './tours.service.ts';

/** What the staff buttons do. */
export interface ListActions {
  create(): void;
  generateFromPark(parkId: number): void;
  generateFromCarriers(ids: number[]): void;
}

const STATE_KEY = { draft: 'tourStateDraft', verified: 'tourStateVerified', published: 'tourStatePublished' } as const;

/** Renders the tour list. */
export class TourListComponent {
  readonly element: HTMLElement;

  constructor(private readonly actions: ListActions) {
    this.element = h('section', { id: 'tour-list', class: 'tour-list' });
  }

  render(tours: TourSummary[], staff: boolean, parks: { id: number; name: string }[], error: string | null = null): void {
    const items = tours.map((tour) => h('li', { class: 'tour-list-item card' },
      h('a', { href: tour.url, class: 'tour-list-link', 'data-tour-id': tour.id },
        h('strong', {}, tr(tour.title)),
        tour.parkName ? h('span', { class: 'muted' }, getLang() === 'en' ? tour.parkName.en : tour.parkName.zh) : null,
        h('span', { class: 'tour-list-meta' }, t('tourStops', { n: tour.stopCount }),
          tour.reviewState && tour.reviewState !== 'published' ? h('span', { class: 'badge badge-draft' }, t(STATE_KEY[tour.reviewState])) : null)),
      h('p', { class: 'muted' }, tr(tour.summary))));
    const parkSelect = h('select', { class: 'tour-input', id: 'tour-generate-park' }, parks.map((p) => h('option', { value: p.id }, p.name)));
    const idsInput = h('input', { class: 'tour-input', id: 'tour-generate-ids', placeholder: t('tourCarrierIdsPlaceholder') });
    const staffTools = staff ? h('div', { class: 'tour-list-tools card' },
      h('button', { class: 'primary-button', type: 'button', id: 'tour-create', onclick: () => this.actions.create() }, t('tourNew')),
      h('div', { class: 'tour-generate' }, h('span', {}, `${t('tourGenerate')}：`),
        parkSelect,
        h('button', { class: 'text-button', type: 'button', id: 'tour-generate-park-button', onclick: () => this.actions.generateFromPark(Number(parkSelect.value)) }, t('tourGenerateFromPark')),
        idsInput,
        h('button', { class: 'text-button', type: 'button', id: 'tour-generate-ids-button', onclick: () => {
          const ids = idsInput.value.split(/[\s,，]+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
          if (ids.length) this.actions.generateFromCarriers(ids);
        } }, t('tourGenerateFromCarriers')))) : null;
    const parts: (HTMLElement | null)[] = [
      h('h2', {}, t('tourListTitle')),
      error ? h('p', { class: 'error' }, error) : null,
      staffTools,
      items.length ? h('ul', { class: 'tour-list-items' }, items) : h('p', { class: 'muted' }, t('tourListEmpty')),
    ];
    this.element.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  }
}
