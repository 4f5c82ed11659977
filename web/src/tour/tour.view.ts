/**
 * The tour page (`tour.html`):
 *  - `?id=<tourId>` plays a tour: the map flies from stop to stop, the card shows each stop;
 *    `#stop=<stopId>` opens (and keeps in the address bar) one stop — ids survive edits;
 *  - `?park=<parkId>` opens that park's first tour; no id lists the tours;
 *  - `&edit=1` (staff) opens the editor; `&speed=<n>` plays n times faster (demos, tests).
 * Panoramas open in the 360° overlay, whose code (three.js) is imported only then.
 */
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError } from '../shared/http.client.ts';
import { getLang, onLangChange, t, tr } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { geometryBBox } from '../map/geometry.util.ts';
import type { PanoramaHandle } from '../panorama/panorama-overlay.ts';
import { TourCardComponent } from './tour-card.component.ts';
import { TourEditorComponent } from './tour-editor.component.ts';
import { TourListComponent } from './tour-list.component.ts';
import { TourMapController, type Padding, type TourMode } from './tour-map.controller.ts';
import { TourPlayer, type PlayerState } from './tour-player.ts';
import { createTour, fetchTour, fetchTours, generateTour, type Tour, type TourMedia, type TourStop } from './tours.service.ts';
import { requestJson } from '../shared/http.client.ts';

/** A camera arrival, recorded for tests and the console. */
export interface Arrival {
  stopId: number;
  center: [number, number];
  zoom: number;
  /** The zoom the player aimed for: the stop's, adjusted to a small visible map (phones). */
  targetZoom: number;
  pitch: number;
  bearing: number;
}

/** `window.__tour`: test and console hooks. */
export interface TourHandle {
  map: TourMapController['map'];
  /** Resolves when the map and the tour (if any) are loaded and the first stop is shown. */
  ready: Promise<void>;
  tour(): Tour | null;
  state(): PlayerState & { mode: TourMode; editing: boolean };
  play(): void;
  pause(): void;
  next(): Promise<void>;
  prev(): Promise<void>;
  goToStop(stopId: number): boolean;
  setSpeed(speed: number): void;
  setMode(mode: TourMode): Promise<void>;
  /** Every arrival at a stop since the page opened, in order. */
  arrivals: Arrival[];
  openPanorama(id: number): Promise<PanoramaHandle>;
  panorama(): PanoramaHandle | null;
}

const STAFF_ROLES = new Set(['staff', 'admin']);
const PUBLISH_ROLES = new Set(['reviewer', 'admin']);

function stopIdFromHash(): number | null {
  const m = /(?:^#|&)stop=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

/** The page. */
export class TourView {
  readonly ready: Promise<void>;
  private readonly mapCtl: TourMapController;
  private readonly card: TourCardComponent;
  private readonly editor: TourEditorComponent;
  private readonly list: TourListComponent;
  private readonly shell: PageShell;
  private readonly stage: HTMLElement;
  private readonly toast: HTMLElement;
  private readonly params = new URLSearchParams(location.search);
  private tour: Tour | null = null;
  private player: TourPlayer | null = null;
  private user: SessionUser | null = null;
  private editing = this.params.get('edit') === '1';
  private panorama: PanoramaHandle | null = null;
  private readonly arrivals: Arrival[] = [];
  private speed = Math.max(0.1, Number(this.params.get('speed')) || 1);
  private tickFrame = 0;

  constructor(root: HTMLElement) {
    this.shell = new PageShell({
      page: 'tour',
      title: () => ({
        long: t('tourPageTitle'),
        document: this.tour ? `${tr(this.tour.title)} · ${t('tourPageTitle')}` : undefined,
      }),
      middle: () => (this.tour ? h('a', { class: 'text-button', href: '/tour.html' }, t('tourAllTours')) : null),
      controls: () => [this.tour && this.canEdit()
        ? h('button', { class: 'text-button', id: 'tour-edit-toggle', type: 'button', onclick: () => this.setEditing(!this.editing) }, this.editing ? t('tourDoneEditing') : t('tourEdit'))
        : null],
      onUserChange: (user) => {
        if (!user) this.setEditing(false);
        void this.onAuthChanged(user);
      },
    });
    this.shell.element.classList.add('tour-top-bar');
    const mapEl = h('div', { id: 'map', class: 'map' });
    this.card = new TourCardComponent({
      play: () => this.player?.play(),
      pause: () => this.player?.pause(),
      next: () => void this.player?.next(),
      prev: () => void this.player?.prev(),
      goTo: (i) => void this.player?.goTo(i),
      toggleMode: () => void this.setMode(this.mapCtl.getMode() === '2d' ? '3d' : '2d'),
      share: () => void this.share(),
      openMedia: (m) => void this.openMedia(m),
      focusCarrier: (c) => {
        this.player?.interrupt();
        const b = geometryBBox(c.geometry);
        if (b) this.mapCtl.map.fitBounds(b, { padding: this.mapPadding(), maxZoom: 17.5, duration: 800 });
      },
    });
    this.editor = new TourEditorComponent({
      currentCamera: () => this.mapCtl.currentCamera(this.mapPadding()),
      bounds: () => this.mapCtl.bounds(),
      showStop: (stop) => {
        this.mapCtl.highlight(stop);
        void this.mapCtl.flyTo(stop.camera, { speed: 2 * this.speed, padding: this.mapPadding() });
      },
      apply: (tour, stopId) => this.applyTour(tour, stopId),
      preview: (stopId) => {
        this.setEditing(false);
        if (stopId !== null) this.player?.goToStop(stopId);
        this.player?.play();
      },
      deleted: () => location.assign('/tour.html'),
      canPublish: () => !!this.user && PUBLISH_ROLES.has(this.user.role),
    });
    this.list = new TourListComponent({
      create: () => void this.createAndEdit((s) => createTour({ title: { zh: '新导览', en: 'New tour' } }, s)),
      generateFromPark: (parkId) => void this.createAndEdit((s) => generateTour({ parkId }, s)),
      generateFromCarriers: (carrierIds) => void this.createAndEdit((s) => generateTour({ carrierIds }, s)),
    });
    this.toast = h('div', { class: 'toast', role: 'status', hidden: true });
    this.stage = h('main', { class: 'stage tour-stage' }, mapEl, this.card.element, this.editor.element, this.list.element, this.toast);
    root.replaceChildren(this.shell.element, this.stage);
    this.card.element.hidden = true;
    this.editor.element.hidden = true;
    this.list.element.hidden = true;
    this.mapCtl = new TourMapController(mapEl);
    this.mapCtl.onUserInteraction(() => {
      if (this.player?.state().playing) this.showToast(t('tourInterrupted'));
      this.player?.interrupt();
    });
    this.mapCtl.onFeatureClick((hit) => {
      if (!hit) return;
      if (hit.layerId === 'panoramas') void this.openPanorama(hit.id);
      else if (this.editing && ['land', 'factories', 'offices'].includes(hit.layerId)) this.editor.toggleCarrier(hit.id);
    });
    this.mapCtl.map.on('moveend', () => {
      if (this.editing && this.tour) void this.editor.refreshMedia();
    });
    window.addEventListener('hashchange', () => {
      const id = stopIdFromHash();
      if (id !== null && id !== this.player?.state().stopId) this.player?.goToStop(id);
    });
    document.addEventListener('keydown', (e) => this.onKey(e));
    onLangChange(() => this.render());
    this.renderTopBar();
    this.ready = this.start();
    this.ready.catch((err) => this.showToast((err as Error).message));
  }

  handle(): TourHandle {
    return {
      map: this.mapCtl.map,
      ready: this.ready,
      tour: () => this.tour,
      state: () => ({ ...(this.player?.state() ?? { index: -1, stopId: null, playing: false, atStop: false, dwell: 0 }), mode: this.mapCtl.getMode(), editing: this.editing }),
      play: () => this.player?.play(),
      pause: () => this.player?.pause(),
      next: () => this.player?.next() ?? Promise.resolve(),
      prev: () => this.player?.prev() ?? Promise.resolve(),
      goToStop: (id) => this.player?.goToStop(id) ?? false,
      setSpeed: (s) => {
        this.speed = s;
        if (this.player) this.player.speed = s;
      },
      setMode: (m) => this.setMode(m),
      arrivals: this.arrivals,
      openPanorama: (id) => this.openPanorama(id),
      panorama: () => this.panorama,
    };
  }

  // ---------------------------------------------------------------- start-up

  private async start(): Promise<void> {
    const signal = new AbortController().signal;
    this.user = await this.shell.loadUser(signal).catch(() => null);
    await this.mapCtl.ready;
    if (this.user) await this.mapCtl.reloadTiles(true);
    let id = Number(this.params.get('id')) || null;
    const park = Number(this.params.get('park')) || null;
    if (!id && park) {
      const { tours } = await fetchTours(signal, park);
      id = tours.find((x) => (x.reviewState ?? 'published') === 'published')?.id ?? tours[0]?.id ?? null;
      if (id) history.replaceState(null, '', `/tour.html?id=${id}${location.hash}`);
    }
    if (!id) {
      await this.showList();
      return;
    }
    try {
      this.tour = await fetchTour(id, signal);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        await this.showList(t('tourNotFound'));
        return;
      }
      throw err;
    }
    this.renderTopBar();
    this.player = new TourPlayer(this.tour.stops, {
      fly: (stop, animate) => this.fly(stop, animate),
      changed: () => this.onPlayerChanged(),
      arrived: (stop) => {
        const c = this.mapCtl.map.getCenter();
        this.arrivals.push({
          stopId: stop.id, center: [c.lng, c.lat], zoom: this.mapCtl.map.getZoom(), pitch: this.mapCtl.map.getPitch(), bearing: this.mapCtl.map.getBearing(),
          targetZoom: stop.camera.zoom + this.mapCtl.zoomAdjustment(this.mapPadding()),
        });
      },
    });
    this.player.speed = this.speed;
    const deep = stopIdFromHash();
    const first = this.tour.stops.find((s) => s.id === deep) ?? this.tour.stops[0];
    if (first) await this.player.goTo(this.tour.stops.indexOf(first), false);
    this.setEditing(this.editing && this.canEdit());
    this.render();
    await this.whenIdle();
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.mapCtl.map.once('idle', () => resolve());
      this.mapCtl.map.triggerRepaint();
    });
  }

  private async showList(error: string | null = null): Promise<void> {
    this.renderTopBar();
    const signal = new AbortController().signal;
    const [{ tours }, parks] = await Promise.all([
      fetchTours(signal),
      this.canEdit()
        ? requestJson<{ features: { id: number; properties: { name?: string; name_en?: string } }[] }>('/api/layers/parks/features?limit=100', { signal })
          .then((fc) => fc.features.map((f) => ({ id: Number(f.id), name: String((getLang() === 'en' && f.properties.name_en) || f.properties.name || f.id) })))
        : Promise.resolve([]),
    ]);
    this.list.element.hidden = false;
    this.list.render(tours, this.canEdit(), parks, error);
  }

  private async createAndEdit(work: (signal: AbortSignal) => Promise<Tour>): Promise<void> {
    try {
      const tour = await work(new AbortController().signal);
      location.assign(`/tour.html?id=${tour.id}&edit=1`);
    } catch (err) {
      if (!isAbortError(err)) this.showToast((err as Error).message);
    }
  }

  // ---------------------------------------------------------------- player

  /** Pixels of the map hidden by the card (left on desktops, bottom on phones). */
  private mapPadding(): Padding {
    const narrow = window.matchMedia('(max-width: 640px)').matches;
    const panel = this.editing ? this.editor.element : this.card.element;
    if (panel.hidden) return { top: 0, bottom: 0, left: 0, right: 0 };
    const card = panel.getBoundingClientRect();
    const map = this.mapCtl.map.getContainer().getBoundingClientRect();
    return narrow
      ? { top: 0, left: 0, right: 0, bottom: Math.max(0, map.bottom - card.top) }
      : { top: 0, bottom: 0, left: Math.max(0, card.right - map.left), right: 0 };
  }

  private async fly(stop: TourStop, animate: boolean): Promise<boolean> {
    this.mapCtl.highlight(stop);
    const hash = `#stop=${stop.id}`;
    if (location.hash !== hash) history.replaceState(null, '', location.pathname + location.search + hash);
    return this.mapCtl.flyTo(stop.camera, { speed: this.speed, animate, padding: this.mapPadding() });
  }

  private onPlayerChanged(): void {
    this.render();
    cancelAnimationFrame(this.tickFrame);
    const tick = () => {
      const s = this.player?.state();
      if (!s) return;
      this.card.tick(s);
      if (s.playing) this.tickFrame = requestAnimationFrame(tick);
    };
    tick();
  }

  private async setMode(mode: TourMode): Promise<void> {
    this.mapCtl.setMode(mode);
    this.render();
    const stop = this.player?.current();
    if (stop && this.player?.state().atStop) {
      const cam = this.mapCtl.cameraFor(stop.camera, this.mapPadding());
      await new Promise<void>((resolve) => {
        this.mapCtl.map.once('moveend', () => resolve());
        this.mapCtl.map.easeTo({ ...cam, duration: 800 / this.speed });
      });
    }
    await this.whenIdle();
    await this.mapCtl.whenExtrusionsLoaded();
  }

  private async share(): Promise<void> {
    const stop = this.player?.current();
    if (!stop) return;
    const url = `${location.origin}/tour.html?id=${this.tour!.id}#stop=${stop.id}`;
    try {
      await navigator.clipboard.writeText(url);
      this.showToast(t('tourCopied'));
    } catch {
      window.prompt(t('tourShare'), url);
    }
  }

  // ---------------------------------------------------------------- media and panoramas

  private async openMedia(m: TourMedia): Promise<void> {
    if (m.kind === 'panorama') {
      await this.openPanorama(m.id);
      return;
    }
    this.player?.pause();
    const dialog = h('dialog', { class: 'dialog tour-photo' },
      h('img', { src: m.imageUrl, alt: m.name }),
      h('form', { method: 'dialog' }, h('button', { class: 'primary-button' }, t('close'))));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  /** Open panorama `id` in the overlay (loading the viewer code on first use). */
  async openPanorama(id: number): Promise<PanoramaHandle> {
    this.player?.pause();
    if (this.panorama) {
      await this.panorama.open(id);
      return this.panorama;
    }
    const { openPanorama } = await import('../panorama/panorama-overlay.ts');
    this.stage.classList.add('pano-open');
    const handle = await openPanorama(this.stage, id, {
      map: this.mapCtl.map,
      onClose: () => {
        if (this.panorama !== handle) return;
        this.panorama = null;
        this.stage.classList.remove('pano-open');
      },
    });
    this.panorama = handle;
    await handle.ready().catch(() => undefined);
    return handle;
  }

  // ---------------------------------------------------------------- editing

  private canEdit(): boolean {
    return !!this.user && STAFF_ROLES.has(this.user.role);
  }

  private setEditing(on: boolean): void {
    this.editing = on;
    const url = new URL(location.href);
    if (on) url.searchParams.set('edit', '1');
    else url.searchParams.delete('edit');
    history.replaceState(null, '', url);
    if (on && this.tour) {
      this.player?.pause();
      this.editor.setTour(this.tour, this.player?.state().stopId ?? null);
    }
    this.render();
  }

  private applyTour(tour: Tour, stopId: number | null): void {
    this.tour = tour;
    this.player?.setStops(tour.stops);
    this.editor.setTour(tour, stopId);
    const stop = tour.stops.find((s) => s.id === stopId);
    if (stop) {
      this.player?.goToStop(stop.id);
    }
    this.render();
  }

  /** Space plays / pauses, ← → step (not while typing, editing or in a panorama). */
  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (!this.player || this.editing || this.panorama || target?.closest('input, textarea, select, button, .maplibregl-canvas')) return;
    if (e.key === ' ') {
      e.preventDefault();
      if (this.player.state().playing) this.player.pause();
      else this.player.play();
    } else if (e.key === 'ArrowRight') void this.player.next();
    else if (e.key === 'ArrowLeft') void this.player.prev();
  }

  // ---------------------------------------------------------------- chrome

  private render(): void {
    this.renderTopBar();
    const hasTour = !!this.tour && !!this.player;
    this.card.element.hidden = !hasTour || this.editing;
    this.editor.element.hidden = !hasTour || !this.editing;
    if (hasTour && !this.editing) this.card.update(this.tour!, this.player!.state(), this.mapCtl.getMode());
    if (hasTour && this.editing) this.editor.render();
  }

  private renderTopBar(): void {
    this.shell.render();
  }

  private async onAuthChanged(user: SessionUser | null): Promise<void> {
    this.user = user;
    await this.mapCtl.reloadTiles(user !== null);
    if (this.tour) {
      try {
        this.applyTour(await fetchTour(this.tour.id, new AbortController().signal), this.player?.state().stopId ?? null);
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) location.assign('/tour.html');
      }
    } else {
      await this.showList();
    }
    this.render();
  }

  private showToast(text: string): void {
    this.toast.textContent = text;
    this.toast.hidden = false;
    window.setTimeout(() => (this.toast.hidden = true), 4000);
  }
}
