/**
 * The tour editor (`#tour-editor`, staff): tour titles, the stop list (select, move up/down,
 * delete), "add the current view as a stop", and the selected stop's form: titles and texts in
 * Chinese and English, dwell time, "use the current view", the carriers it highlights (picked by
 * clicking the map) and the panoramas in view it shows. Reviewers (and admins) also publish.
 * Every change is saved through the API and the page re-renders from the answer.
 */
import { h } from '../shared/dom.util.ts';
import { isAbortError } from '../shared/http.client.ts';
import { t, tr } from '../shared/i18n.service.ts';
import {
  addStop, deleteStop, deleteTour, fetchMediaInView, reorderStops, reviewTour, updateStop, updateTour,
  type MediaInView, type Tour, type TourCamera, type TourStop,
} from './tours.service.ts';

/** What the editor needs from the page. */
export interface EditorHost {
  currentCamera(): TourCamera;
  bounds(): [number, number, number, number];
  /** Show `stop` on the map (fly there, highlight it). */
  showStop(stop: TourStop): void;
  /** The tour changed on the server: redraw everything from it. */
  apply(tour: Tour, selectStopId: number | null): void;
  /** Leave the editor and play from `stopId`. */
  preview(stopId: number | null): void;
  /** The tour was deleted. */
  deleted(): void;
  /** Whether the user may publish (reviewer or admin). */
  canPublish(): boolean;
}

interface StopDraft {
  camera: TourCamera | null;
  carrierIds: number[];
  mediaIds: number[];
}

const STATE_KEY = { draft: 'tourStateDraft', verified: 'tourStateVerified', published: 'tourStatePublished' } as const;

/** The editor panel. */
export class TourEditorComponent {
  readonly element: HTMLElement;
  private tour: Tour | null = null;
  private selected: number | null = null;
  private draft: StopDraft = { camera: null, carrierIds: [], mediaIds: [] };
  private media: MediaInView[] = [];
  private controller = new AbortController();
  private message = '';

  constructor(private readonly host: EditorHost) {
    this.element = h('aside', { id: 'tour-editor', class: 'tour-card tour-editor card' });
  }

  /** Edit `tour`, selecting stop `stopId` (or the first). */
  setTour(tour: Tour, stopId: number | null): void {
    this.tour = tour;
    const keep = tour.stops.find((s) => s.id === (stopId ?? this.selected)) ?? tour.stops[0] ?? null;
    this.select(keep?.id ?? null, false);
  }

  /** Id of the selected stop. */
  selectedStopId(): number | null {
    return this.selected;
  }

  /** Add or remove a carrier of the selected stop (a click on the map). */
  toggleCarrier(id: number): void {
    if (this.selected === null) return;
    const ids = this.draft.carrierIds;
    this.draft.carrierIds = ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
    this.render();
  }

  private select(stopId: number | null, show = true): void {
    this.selected = stopId;
    const stop = this.stop();
    this.draft = { camera: null, carrierIds: stop?.carriers.map((c) => c.id) ?? [], mediaIds: stop?.media.map((m) => m.id) ?? [] };
    this.render();
    if (stop && show) this.host.showStop(stop);
    void this.refreshMedia();
  }

  private stop(): TourStop | null {
    return this.tour?.stops.find((s) => s.id === this.selected) ?? null;
  }

  private mediaController = new AbortController();

  /** Reload the photos and panoramas in the map view (after the map moved). */
  async refreshMedia(): Promise<void> {
    this.mediaController.abort();
    const c = (this.mediaController = new AbortController());
    try {
      this.media = (await fetchMediaInView(this.host.bounds(), c.signal)).media;
      this.render();
    } catch (err) {
      if (!isAbortError(err)) this.media = [];
    }
  }

  /** Run a server change and re-render from its answer. */
  private async run(work: (signal: AbortSignal) => Promise<Tour>, selectStopId: number | null = this.selected, message = t('tourSaved')): Promise<void> {
    this.controller.abort();
    this.controller = new AbortController();
    try {
      const tour = await work(this.controller.signal);
      this.message = message;
      this.host.apply(tour, selectStopId);
    } catch (err) {
      if (isAbortError(err)) return;
      this.message = (err as Error).message;
      this.render();
    }
  }

  render(): void {
    const tour = this.tour;
    if (!tour) {
      this.element.replaceChildren();
      return;
    }
    const titleZh = h('input', { class: 'tour-input', name: 'tour-title-zh', value: tour.title.zh, 'aria-label': t('tourTitleZh'), placeholder: t('tourTitleZh') });
    const titleEn = h('input', { class: 'tour-input', name: 'tour-title-en', value: tour.title.en, 'aria-label': t('tourTitleEn'), placeholder: t('tourTitleEn') });
    const header = h('div', { class: 'tour-editor-head' },
      h('h2', {}, t('tourEditorTitle'), ' ', h('span', { class: `badge state-${tour.reviewState}` }, t(STATE_KEY[tour.reviewState ?? 'draft']))),
      titleZh, titleEn,
      h('div', { class: 'tour-editor-row' },
        h('button', { class: 'text-button', type: 'button', onclick: () => void this.run((s) => updateTour(tour.id, { title: { zh: titleZh.value, en: titleEn.value } }, s)) }, t('tourSave')),
        this.host.canPublish()
          ? tour.reviewState === 'published'
            ? h('button', { class: 'text-button', type: 'button', id: 'tour-unpublish', onclick: () => void this.run((s) => reviewTour(tour.id, 'draft', s)) }, t('tourUnpublish'))
            : h('button', { class: 'primary-button', type: 'button', id: 'tour-publish', disabled: !tour.stops.length, onclick: () => void this.run((s) => reviewTour(tour.id, 'published', s)) }, t('tourPublish'))
          : null,
        h('button', { class: 'text-button danger', type: 'button', onclick: () => {
          if (!window.confirm(t('tourConfirmDelete'))) return;
          void deleteTour(tour.id, this.controller.signal).then(() => this.host.deleted(), (err) => { this.message = (err as Error).message; this.render(); });
        } }, t('tourDeleteTour'))),
      tour.reviewState === 'published' ? h('p', { class: 'muted small' }, t('tourPublishHint')) : null);

    const stops = h('ol', { class: 'tour-editor-stops' }, tour.stops.map((s, i) => h('li', { class: s.id === this.selected ? 'selected' : '', 'data-stop-id': s.id },
      h('button', { class: 'tour-editor-stop', type: 'button', onclick: () => this.select(s.id) }, `${i + 1}. ${tr(s.title) || '—'}`),
      h('button', { class: 'mini-button', type: 'button', title: t('tourMoveUp'), 'aria-label': t('tourMoveUp'), disabled: i === 0, onclick: () => this.move(i, -1) }, '↑'),
      h('button', { class: 'mini-button', type: 'button', title: t('tourMoveDown'), 'aria-label': t('tourMoveDown'), disabled: i === tour.stops.length - 1, onclick: () => this.move(i, 1) }, '↓'))));
    const capture = h('button', { class: 'primary-button', type: 'button', id: 'tour-capture', onclick: () => this.capture() }, `＋ ${t('tourCaptureView')}`);

    const parts: (HTMLElement | null)[] = [header, stops, capture, this.stopForm(tour), this.message ? h('p', { class: 'muted small tour-editor-message', role: 'status' }, this.message) : null];
    this.element.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  }

  private stopForm(tour: Tour): HTMLElement | null {
    const stop = this.stop();
    if (!stop) return null;
    const field = (name: string, label: string, value: string, area = false) => {
      const input = area
        ? h('textarea', { class: 'tour-input', name, rows: 4, 'aria-label': label, placeholder: label })
        : h('input', { class: 'tour-input', name, 'aria-label': label, placeholder: label, value });
      if (area) (input as HTMLTextAreaElement).value = value;
      return input as HTMLInputElement | HTMLTextAreaElement;
    };
    const titleZh = field('stop-title-zh', t('tourStopTitleZh'), stop.title.zh);
    const titleEn = field('stop-title-en', t('tourStopTitleEn'), stop.title.en);
    const textZh = field('stop-text-zh', t('tourStopTextZh'), stop.text.zh, true);
    const textEn = field('stop-text-en', t('tourStopTextEn'), stop.text.en, true);
    const dwell = h('input', { class: 'tour-input tour-dwell', name: 'stop-dwell', type: 'number', min: 1, max: 600, step: 1, value: String(stop.dwellS), 'aria-label': t('tourDwell') });
    const carriers = this.draft.carrierIds.map((id) => {
      const known = stop.carriers.find((c) => c.id === id);
      return h('span', { class: 'chip', 'data-carrier-id': id }, known ? known.name : `#${id}`,
        h('button', { type: 'button', class: 'chip-remove', 'aria-label': '×', onclick: () => this.toggleCarrier(id) }, '×'));
    });
    const panos = this.media.map((p) => h('button', {
      class: `chip chip-toggle${this.draft.mediaIds.includes(p.id) ? ' on' : ''}`, type: 'button', 'data-media-id': p.id, 'data-kind': p.kind,
      onclick: () => {
        const ids = this.draft.mediaIds;
        this.draft.mediaIds = ids.includes(p.id) ? ids.filter((x) => x !== p.id) : [...ids, p.id];
        this.render();
      },
    }, p.kind === 'panorama' ? '360° ' : '▣ ', p.name));
    const save = () => void this.run((s) => updateStop(tour.id, stop.id, {
      title: { zh: titleZh.value, en: titleEn.value }, text: { zh: textZh.value, en: textEn.value },
      dwellS: Math.max(1, Math.min(600, Number(dwell.value) || stop.dwellS)),
      carrierIds: this.draft.carrierIds, mediaIds: this.draft.mediaIds,
      ...(this.draft.camera ? { camera: this.draft.camera } : {}),
    }, s));
    return h('div', { class: 'tour-editor-form' },
      titleZh, titleEn, textZh, textEn,
      h('label', { class: 'tour-editor-row' }, t('tourDwell'), dwell),
      h('div', { class: 'tour-editor-row' },
        h('button', { class: 'text-button', type: 'button', id: 'tour-use-view', onclick: () => { this.draft.camera = this.host.currentCamera(); this.message = t('tourUpdateView') + ' ✓'; this.render(); } }, t('tourUpdateView')),
        h('button', { class: 'text-button', type: 'button', onclick: () => this.host.preview(stop.id) }, t('tourPreview'))),
      h('h3', { class: 'tour-section' }, t('tourCarriers')),
      h('p', { class: 'muted small' }, t('tourPickCarriers')),
      h('div', { class: 'chips' }, carriers),
      h('h3', { class: 'tour-section' }, t('tourNearbyPanoramas')),
      h('div', { class: 'chips' }, panos.length ? panos : h('span', { class: 'muted small' }, t('tourNoPanoramas'))),
      h('div', { class: 'tour-editor-row' },
        h('button', { class: 'primary-button', type: 'button', id: 'tour-save-stop', onclick: save }, t('tourSave')),
        h('button', { class: 'text-button danger', type: 'button', onclick: () => {
          const next = tour.stops[tour.stops.findIndex((s) => s.id === stop.id) + 1] ?? null;
          void this.run((s) => deleteStop(tour.id, stop.id, s), next?.id ?? null);
        } }, t('tourDeleteStop'))));
  }

  private move(index: number, by: -1 | 1): void {
    const tour = this.tour!;
    const ids = tour.stops.map((s) => s.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id);
    void this.run((s) => reorderStops(tour.id, ids, s), id);
  }

  private capture(): void {
    const tour = this.tour!;
    const at = tour.stops.findIndex((s) => s.id === this.selected);
    const n = tour.stops.length + 1;
    void (async () => {
      this.controller.abort();
      this.controller = new AbortController();
      try {
        const { stopId, tour: next } = await addStop(tour.id, {
          title: { zh: `第 ${n} 站`, en: `Stop ${n}` }, camera: this.host.currentCamera(), dwellS: 8,
          position: at >= 0 ? at + 1 : undefined,
        }, this.controller.signal);
        this.message = t('tourSaved');
        this.host.apply(next, stopId);
      } catch (err) {
        if (!isAbortError(err)) {
          this.message = (err as Error).message;
          this.render();
        }
      }
    })();
  }
}
