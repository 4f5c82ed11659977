/**
 * The player card (`#tour-card`): tour title, stop counter, a progress bar with one segment per
 * stop (click to jump), the stop's title and text, its photos and panoramas, the carriers it
 * highlights, and the controls (previous, play/pause, next, 2D/3D, copy link). On phones it is a
 * bottom sheet with the controls on top.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, t, tr } from '../shared/i18n.service.ts';
import type { PlayerState } from './tour-player.ts';
import type { TourMode } from './tour-map.controller.ts';
import type { Tour, TourCarrier, TourMedia } from './tours.service.ts';

/** What the card's buttons do. */
export interface CardActions {
  play(): void;
  pause(): void;
  next(): void;
  prev(): void;
  goTo(index: number): void;
  toggleMode(): void;
  share(): void;
  openMedia(media: TourMedia): void;
  focusCarrier(carrier: TourCarrier): void;
}

/** Inline SVG icons (system fonts lack the media-control glyphs). */
const ICONS = {
  prev: '<path d="M6 5h2v14H6zM20 5v14L9 12z"/>',
  next: '<path d="M16 5h2v14h-2zM4 5l11 7-11 7z"/>',
  play: '<path d="M7 4.5v15l13-7.5z"/>',
  pause: '<path d="M6 5h4v14H6zM14 5h4v14h-4z"/>',
  link: '<path d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0zM13 16.2l-1.8 1.8a3.5 3.5 0 0 1-5-5L8 11.2a1 1 0 0 0-1.4-1.4l-1.8 1.8a5.5 5.5 0 0 0 7.8 7.8l1.8-1.8a1 1 0 0 0-1.4-1.4zm6.2-11.4a5.5 5.5 0 0 0-7.8 0L9.6 6.6A1 1 0 0 0 11 8l1.8-1.8a3.5 3.5 0 0 1 5 5L16 13a1 1 0 0 0 1.4 1.4l1.8-1.8a5.5 5.5 0 0 0 0-7.8z"/>',
} as const;

function icon(name: keyof typeof ICONS): HTMLElement {
  const el = h('span', { class: 'tour-icon', 'aria-hidden': 'true' });
  el.innerHTML = `<svg viewBox="0 0 24 24" width="18" height="18" fill="currentColor">${ICONS[name]}</svg>`;
  return el;
}

const KIND_LABEL: Record<string, { zh: string; en: string }> = {
  land: { zh: '地块', en: 'Parcel' }, factory: { zh: '标准厂房', en: 'Factory' }, office: { zh: '写字楼', en: 'Office' },
};
const STATUS_LABEL: Record<string, { zh: string; en: string }> = {
  available: { zh: '可招商', en: 'Available' }, reserved: { zh: '洽谈中', en: 'Reserved' }, occupied: { zh: '已入驻', en: 'Occupied' },
};

/** Renders the card; `update` redraws, `tick` only moves the progress bar. */
export class TourCardComponent {
  readonly element: HTMLElement;
  private segments: HTMLElement[] = [];
  private tour: Tour | null = null;
  private state: PlayerState | null = null;

  constructor(private readonly actions: CardActions) {
    this.element = h('aside', { id: 'tour-card', class: 'tour-card card', 'aria-live': 'polite' });
  }

  update(tour: Tour, state: PlayerState, mode: TourMode): void {
    this.tour = tour;
    this.state = state;
    const stop = tour.stops[state.index] ?? null;
    const n = tour.stops.length;
    this.segments = tour.stops.map((s, i) => h('button', {
      class: `tour-segment${i < state.index ? ' done' : ''}${i === state.index ? ' current' : ''}`, type: 'button',
      title: `${i + 1}. ${tr(s.title)}`, 'aria-label': `${i + 1}. ${tr(s.title)}`, 'data-stop-id': s.id,
      onclick: () => this.actions.goTo(i),
    }, h('span', { class: 'tour-segment-fill' })));
    const progress = h('div', { class: 'tour-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': n, 'aria-valuenow': state.index + 1 }, this.segments);

    const controls = h('div', { class: 'tour-controls' },
      h('button', { class: 'tour-button', id: 'tour-prev', type: 'button', title: t('tourPrev'), 'aria-label': t('tourPrev'), disabled: state.index <= 0, onclick: () => this.actions.prev() }, icon('prev')),
      state.playing
        ? h('button', { class: 'tour-button tour-play playing', id: 'tour-play', type: 'button', title: t('tourPause'), 'aria-label': t('tourPause'), onclick: () => this.actions.pause() }, icon('pause'))
        : h('button', { class: 'tour-button tour-play', id: 'tour-play', type: 'button', title: t('tourPlay'), 'aria-label': t('tourPlay'), onclick: () => this.actions.play() }, icon('play')),
      h('button', { class: 'tour-button', id: 'tour-next', type: 'button', title: t('tourNext'), 'aria-label': t('tourNext'), disabled: state.index >= n - 1, onclick: () => this.actions.next() }, icon('next')),
      h('span', { class: 'tour-counter' }, state.index >= 0 ? t('tourStopOf', { i: state.index + 1, n }) : t('tourStops', { n })),
      h('button', { class: 'toggle-button', id: 'tour-mode', type: 'button', title: t('modeToggleTitle'), onclick: () => this.actions.toggleMode() },
        h('span', { class: mode === '2d' ? 'on' : '' }, t('mode2d')), h('span', { class: mode === '3d' ? 'on' : '' }, t('mode3d'))),
      h('button', { class: 'tour-button tour-share', id: 'tour-share', type: 'button', title: t('tourShare'), 'aria-label': t('tourShare'), disabled: !stop, onclick: () => this.actions.share() }, icon('link')));

    const body = h('div', { class: 'tour-card-body' });
    if (stop) {
      body.append(
        h('h2', { class: 'tour-stop-title' }, tr(stop.title) || `${state.index + 1}`),
        h('p', { class: 'tour-stop-text' }, tr(stop.text)));
      if (stop.media.length) {
        body.append(h('h3', { class: 'tour-section' }, t('tourMedia')), h('div', { class: 'tour-media' }, stop.media.map((m) => h('button', {
          class: `tour-media-item ${m.kind}`, type: 'button', title: m.name, 'data-media-id': m.id, 'data-kind': m.kind, onclick: () => this.actions.openMedia(m),
        }, h('img', { src: m.thumbnailUrl, alt: m.name, loading: 'lazy' }), m.kind === 'panorama' ? h('span', { class: 'tour-media-badge' }, t('panoOpen')) : null))));
      }
      if (stop.carriers.length) {
        body.append(h('h3', { class: 'tour-section' }, t('tourCarriers')), h('ul', { class: 'tour-carriers' }, stop.carriers.map((c) => h('li', {},
          h('button', { class: 'tour-carrier', type: 'button', 'data-carrier-id': c.id, onclick: () => this.actions.focusCarrier(c) },
            h('span', { class: `tour-carrier-status status-${c.status}` }),
            h('span', { class: 'tour-carrier-name' }, c.name),
            h('span', { class: 'tour-carrier-meta' }, `${tr(KIND_LABEL[c.kind])} · ${tr(STATUS_LABEL[c.status])} · ${formatNumber(c.areaM2 / (2000 / 3), 1)} ${t('mu')}`))))));
      }
    } else {
      body.append(h('h2', { class: 'tour-stop-title' }, tr(tour.title)), h('p', { class: 'tour-stop-text' }, tr(tour.summary)),
        h('button', { class: 'primary-button tour-start', type: 'button', onclick: () => this.actions.play() }, `▶ ${t('tourPlay')}`));
    }
    const head = h('div', { class: 'tour-card-head' },
      h('div', { class: 'tour-tour-title' }, tr(tour.title)),
      tour.parkName ? h('div', { class: 'tour-park muted' }, getLang() === 'en' ? tour.parkName.en : tour.parkName.zh) : null);
    this.element.replaceChildren(head, progress, controls, body);
    this.tick(state);
  }

  /** Move the current segment's fill to the dwell progress. */
  tick(state: PlayerState): void {
    this.state = state;
    this.segments.forEach((seg, i) => {
      const fill = seg.firstElementChild as HTMLElement;
      const f = i < state.index ? 1 : i === state.index ? (state.atStop ? Math.max(0.04, state.dwell) : 0.02) : 0;
      fill.style.transform = `scaleX(${f})`;
    });
  }
}
