/**
 * The details panel (`#feature-panel`): the clicked feature's name (`.feature-title`), its layer
 * and status, and every attribute the layer definition marks for detail, with zh/en labels,
 * units, enum labels and areas in m² / 亩 / 公顷. Hidden when closed; a bottom sheet on phones.
 */
import type { ApiFeature, LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { getLang, t, tr } from '../shared/i18n.service.ts';
import { formatAttribute, isEmptyValue, type FormatContext } from './feature-format.util.ts';
import { featureColor } from './layer-style.builder.ts';

/** Attributes shown in the header instead of the table. */
const HEADER_ATTRIBUTES = new Set(['status']);

interface PanelContent {
  layer: LayerInfo;
  feature: ApiFeature;
  loading: boolean;
  error: string | null;
}

/** Renders the panel and reports when the user closes it. */
export class FeaturePanelComponent {
  readonly element: HTMLElement;
  private content: PanelContent | null = null;

  constructor(
    private readonly ctx: FormatContext & { onParkClick(id: number): void; onOpenPanorama?(id: number): void },
    private readonly onClose: () => void,
  ) {
    this.element = h('aside', { id: 'feature-panel', class: 'feature-panel card', hidden: true, 'aria-live': 'polite' });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.content) this.onClose();
    });
  }

  /** Show `feature` of `layer`; `loading` while full details are still being fetched. */
  show(layer: LayerInfo, feature: ApiFeature, loading = false, error: string | null = null): void {
    this.content = { layer, feature, loading, error };
    this.render();
  }

  /** Hide the panel. */
  hide(): void {
    this.content = null;
    this.render();
  }

  /** Whether the panel is open. */
  get isOpen(): boolean {
    return this.content !== null;
  }

  /** Redraw (e.g. after a language switch). */
  render(): void {
    const c = this.content;
    this.element.hidden = !c;
    if (!c) {
      this.element.replaceChildren();
      return;
    }
    const { layer, feature } = c;
    const p = feature.properties ?? {};
    const name = (getLang() === 'en' && typeof p.name_en === 'string' && p.name_en) || p.name || String(feature.id);
    const statusAttr = layer.attributes.find((a) => a.name === 'status');
    const status = statusAttr && !isEmptyValue(p.status) ? String(p.status) : null;
    const draft = typeof p.review_state === 'string' && p.review_state !== 'published';

    const header = h('header', { class: 'feature-header' },
      h('div', { class: 'feature-layer' },
        h('span', { class: 'dot', style: `background:${featureColor(layer, p)}` }),
        tr(layer.title)),
      h('h2', { class: 'feature-title' }, String(name)),
      h('div', { class: 'feature-badges' },
        status && statusAttr
          ? h('span', { class: `badge status-${status}`, style: `--badge:${featureColor(layer, p)}` }, formatAttribute(statusAttr, status, p, this.ctx))
          : null,
        draft ? h('span', { class: 'badge badge-draft' }, t('draftBadge')) : null),
      h('button', { class: 'icon-button close-button', type: 'button', title: t('close'), 'aria-label': t('close'), onclick: () => this.onClose() }, '×'));

    const rows: HTMLElement[] = [];
    for (const attr of layer.attributes) {
      if (attr.detail === false || HEADER_ATTRIBUTES.has(attr.name)) continue;
      const v = p[attr.name];
      if (isEmptyValue(v)) continue;
      const text = formatAttribute(attr, v, p, this.ctx);
      const value = attr.name === 'park_id' && this.ctx.parkName(Number(v))
        ? h('button', { class: 'link-button', type: 'button', onclick: () => this.ctx.onParkClick(Number(v)) }, text)
        : text;
      rows.push(h('div', { class: `attr attr-${attr.type}` }, h('dt', {}, tr(attr.label)), h('dd', {}, value)));
    }
    const body = h('div', { class: 'feature-body' },
      c.error ? h('p', { class: 'error' }, c.error) : null,
      // Panoramas open the 360° viewer; parks link to their guided tour (web/tour.html).
      layer.id === 'panoramas' && this.ctx.onOpenPanorama
        ? h('button', { class: 'primary-button', id: 'open-panorama', type: 'button', onclick: () => this.ctx.onOpenPanorama!(Number(feature.id)) }, t('mapOpenPanorama'))
        : null,
      layer.id === 'parks' ? h('a', { class: 'text-button', id: 'park-tour-link', href: `/tour.html?park=${encodeURIComponent(String(feature.id))}` }, `▶ ${t('mapParkTour')}`) : null,
      h('dl', { class: 'feature-attrs' }, rows),
      c.loading ? h('p', { class: 'muted loading' }, t('loading')) : null);
    this.element.replaceChildren(header, body);
  }
}
