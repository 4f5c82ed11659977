/**
 * The panorama overlay: the 360° viewer in a panel over part of the page, with hotspots that jump
 * to nearby panoramas and name the carriers around, and — on the map beside it — a marker with a
 * view cone showing where the viewer stands and which way they look.
 *
 * Pages load this module with `import('../panorama/panorama-overlay.ts')` when a panorama is
 * opened; it brings three.js with it (through `panorama-viewer.ts`).
 */
import maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { h } from '../shared/dom.util.ts';
import { isAbortError } from '../shared/http.client.ts';
import { getLang, t } from '../shared/i18n.service.ts';
import { PanoramaViewer, type Hotspot, type PanoramaView } from './panorama-viewer.ts';
import { fetchPanorama, type CarrierHotspot, type PanoramaDetail } from './panorama.service.ts';
import './panorama.css';

/** Options of {@link openPanorama}. */
export interface PanoramaOverlayOptions {
  /** The map beside the viewer: gets the standpoint marker and view cone, and moves to it. */
  map?: MapLibreMap;
  /** A carrier hotspot was clicked (e.g. select it on the map). */
  onCarrier?(carrier: CarrierHotspot): void;
  /** The overlay was closed (by the user or `close()`). */
  onClose?(): void;
}

/** A hotspot as drawn, for tests and the console. */
export interface HotspotState {
  kind: 'panorama' | 'carrier';
  id: number;
  bearing: number;
  visible: boolean;
}

/** The open overlay. */
export interface PanoramaHandle {
  readonly element: HTMLElement;
  /** Id of the panorama shown. */
  id(): number;
  /** Resolves when the current panorama's image is drawn. */
  ready(): Promise<void>;
  view(): PanoramaView;
  setView(view: Partial<PanoramaView>): void;
  /** Rotation of the map marker's view cone (compass degrees), or null without a map. */
  markerBearing(): number | null;
  hotspots(): HotspotState[];
  /** Show another panorama in the same overlay. */
  open(id: number): Promise<void>;
  close(): void;
}

/** Most carrier hotspots shown (nearest first): more would hide the view. */
const MAX_CARRIER_HOTSPOTS = 8;
/** Eye height used to place ground hotspots below the horizon, metres. */
const EYE_HEIGHT_M = 1.7;
const STATUS_COLORS: Record<string, string> = { available: '#2e7d32', reserved: '#f9a825', occupied: '#78909c' };

function coneElement(): HTMLElement {
  const el = h('div', { class: 'pano-marker', title: t('panoTitle') });
  el.innerHTML = `<svg viewBox="-50 -50 100 100" width="84" height="84" aria-hidden="true">
    <path d="M0 0 L-26 -44 A51 51 0 0 1 26 -44 Z" fill="rgba(255,111,0,0.38)" stroke="#ff6f00" stroke-width="2"/>
    <circle r="8" fill="#ff6f00" stroke="#fff" stroke-width="3"/></svg>`;
  return el;
}

/** The overlay open on the page, if any: opening another closes it. */
let current: PanoramaHandle | null = null;

/** Open panorama `id` in a new overlay on `host` (a positioned element). */
export async function openPanorama(host: HTMLElement, id: number, opts: PanoramaOverlayOptions = {}): Promise<PanoramaHandle> {
  current?.close();
  const title = h('h2', { class: 'pano-title' }, t('panoTitle'));
  const compass = h('span', { class: 'pano-compass', 'aria-live': 'off' });
  const error = h('p', { class: 'pano-error', hidden: true });
  const stage = h('div', { class: 'pano-stage' });
  const closeButton = h('button', { class: 'pano-close', type: 'button', title: t('panoClose'), 'aria-label': t('panoClose') }, '×');
  const element = h('section', { class: 'pano-overlay', role: 'dialog', 'aria-label': t('panoTitle') },
    h('header', { class: 'pano-header' }, title, compass, closeButton),
    stage,
    h('p', { class: 'pano-hint' }, t('panoHint')),
    error);
  host.append(element);

  const viewer = new PanoramaViewer(stage);
  let marker: maplibregl.Marker | null = null;
  let detail: PanoramaDetail | null = null;
  let controller: AbortController | null = null;
  let loaded: Promise<void> = Promise.resolve();
  let closed = false;
  let hotspotStates: { kind: 'panorama' | 'carrier'; id: number; bearing: number; depression: number; element: HTMLElement }[] = [];

  const onView = (v: PanoramaView) => {
    const dirs = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
    const zh: Record<string, string> = { N: '北', NE: '东北', E: '东', SE: '东南', S: '南', SW: '西南', W: '西', NW: '西北' };
    const d = dirs[Math.round(v.yaw / 45) % 8];
    compass.textContent = `${getLang() === 'zh' ? zh[d] : d} ${Math.round(v.yaw)}°`;
    marker?.setRotation(v.yaw);
  };
  viewer.onViewChange(onView);

  /** Map offset that centres the standpoint in the part of the map the overlay leaves visible. */
  const visibleOffset = (map: MapLibreMap): [number, number] => {
    const m = map.getContainer().getBoundingClientRect();
    const o = element.getBoundingClientRect();
    if (o.right < m.right - 80 && o.left <= m.left + 1) return [(o.right - m.left) / 2, 0];
    if (o.bottom < m.bottom - 80 && o.top <= m.top + 1) return [0, (o.bottom - m.top) / 2];
    return [0, 0];
  };

  const hotspotsOf = (d: PanoramaDetail) => {
    const label = (name: string, distance: number) =>
      [h('span', { class: 'pano-hotspot-name' }, name), h('span', { class: 'pano-hotspot-distance' }, t('panoDistance', { d: Math.round(distance) }))];
    const panoramas = d.hotspots.panoramas.map((p) => ({
      kind: 'panorama' as const, id: p.id, bearing: p.bearing,
      depression: Math.max(2, (Math.atan2(EYE_HEIGHT_M * 6, Math.max(p.distanceM, 1)) * 180) / Math.PI),
      element: h('button', {
        class: 'pano-hotspot pano-hotspot-panorama', type: 'button', 'data-panorama-id': p.id, title: p.name,
        onclick: () => void api.open(p.id),
      }, h('span', { class: 'pano-hotspot-icon' }, '➜'), ...label(p.name, p.distanceM)),
    }));
    const carriers = d.hotspots.carriers.slice(0, MAX_CARRIER_HOTSPOTS).map((c, i) => ({
      kind: 'carrier' as const, id: c.id, bearing: c.bearing, depression: -6 - (i % 3) * 4,
      element: h('button', {
        class: 'pano-hotspot pano-hotspot-carrier', type: 'button', 'data-carrier-id': c.id, title: `${c.name} (${c.code})`,
        style: `--status:${STATUS_COLORS[c.status] ?? '#1565c0'}`,
        onclick: () => {
          viewer.setView({ yaw: c.bearing });
          opts.onCarrier?.(c);
        },
      }, h('span', { class: 'pano-hotspot-dot' }), ...label(c.name, c.distanceM)),
    }));
    return [...panoramas, ...carriers];
  };

  const show = async (panoramaId: number): Promise<void> => {
    controller?.abort();
    const c = (controller = new AbortController());
    error.hidden = true;
    element.classList.add('loading');
    try {
      const d = await fetchPanorama(panoramaId, c.signal);
      if (c.signal.aborted) return;
      // Keep looking the same way when jumping between panoramas.
      const previous = detail ? viewer.getView() : null;
      await viewer.load(d.imageUrl, d.heading, c.signal);
      detail = d;
      title.textContent = d.name;
      element.dataset.panoramaId = String(d.id);
      hotspotStates = hotspotsOf(d);
      viewer.setHotspots(hotspotStates as Hotspot[]);
      if (opts.map) {
        marker ??= new maplibregl.Marker({ element: coneElement(), rotationAlignment: 'map', pitchAlignment: 'map' });
        marker.setLngLat(d.position).addTo(opts.map);
        opts.map.easeTo({
          center: d.position, zoom: Math.max(opts.map.getZoom(), 16.5), offset: visibleOffset(opts.map), duration: 700,
          padding: { top: 0, bottom: 0, left: 0, right: 0 },
        });
      }
      viewer.setView(previous ?? { yaw: d.heading, pitch: 0, fov: 75 });
    } catch (err) {
      if (isAbortError(err)) return;
      error.textContent = t('panoLoadFailed') + (err as Error).message;
      error.hidden = false;
      throw err;
    } finally {
      if (controller === c) element.classList.remove('loading');
    }
  };

  const close = () => {
    if (closed) return;
    closed = true;
    if (current === api) current = null;
    controller?.abort();
    marker?.remove();
    viewer.dispose();
    element.remove();
    document.removeEventListener('keydown', onKeydown);
    opts.onClose?.();
  };
  const onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
  };
  document.addEventListener('keydown', onKeydown);
  closeButton.addEventListener('click', close);

  const api: PanoramaHandle = {
    element,
    id: () => detail?.id ?? id,
    ready: () => loaded,
    view: () => viewer.getView(),
    setView: (v) => viewer.setView(v),
    markerBearing: () => marker?.getRotation() ?? null,
    hotspots: () => hotspotStates.map((s) => ({ kind: s.kind, id: s.id, bearing: s.bearing, visible: !s.element.hidden })),
    open: (next) => (loaded = show(next)),
    close,
  };
  current = api;
  loaded = show(id);
  loaded.catch(() => {});
  return api;
}
