/**
 * The legend (`#legend`): layers grouped 行政区划 / 园区 / 载体 / 配套, a checkbox per layer
 * (`input[data-layer=…]`), colour swatches per status or amenity kind, and a hint when the map is
 * zoomed out beyond a layer's range (`minzoom`) or shows the layer as dots (below its tiles'
 * `pointsBelowZoom`). Built entirely from `/api/layers`. On narrow screens it
 * collapses into a bottom sheet opened by its header button.
 */
import { LAYER_GROUPS, type LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { formatNumber, t, tr, type StringKey } from '../shared/i18n.service.ts';
import { legendSwatches, pointsBelowZoom } from './layer-style.builder.ts';

const GROUP_LABEL: Record<LayerInfo['group'], StringKey> = {
  admin: 'groupAdmin', park: 'groupPark', carrier: 'groupCarrier', amenity: 'groupAmenity',
};

/** What the legend shows. */
export interface LegendState {
  layers: LayerInfo[];
  visible: Set<string>;
  /** Feature count per layer the current user can see (shown next to the title). */
  counts: Map<string, number>;
  zoom: number;
}

/** Renders the legend into `#legend` and reports checkbox changes. */
export class LegendComponent {
  private state: LegendState | null = null;
  /** Expanded; on phones the legend starts collapsed to leave the map visible. */
  private open = !window.matchMedia('(max-width: 640px)').matches;
  readonly element: HTMLElement;
  /** A section drawn after the layer groups (the orthophotos, `shared/imagery.layer.ts`). */
  extraSection: ((zoom: number) => HTMLElement | null) | null = null;

  constructor(private readonly onToggle: (layerId: string, visible: boolean) => void) {
    this.element = h('aside', { id: 'legend', class: 'legend card', 'aria-label': t('legend') });
  }

  /** Replace the state and redraw. */
  update(state: LegendState): void {
    this.state = state;
    this.render();
  }

  /** Expand or collapse the legend body. */
  setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.render();
  }

  /** Redraw (e.g. after a language switch). */
  render(): void {
    const s = this.state;
    this.element.setAttribute('aria-label', t('legend'));
    this.element.classList.toggle('open', this.open);
    const header = h('button', {
      class: 'legend-header', type: 'button', 'aria-expanded': String(this.open), title: t('legendToggleTitle'),
      onclick: () => { this.open = !this.open; this.render(); },
    }, h('span', { class: 'legend-header-icon', 'aria-hidden': 'true' }, '☰'), t('legend'));
    const body = h('div', { class: 'legend-body' });
    if (!s) {
      body.append(h('p', { class: 'muted' }, t('loading')));
    } else {
      for (const group of LAYER_GROUPS) {
        const layers = s.layers.filter((l) => l.group === group);
        if (layers.length === 0) continue;
        body.append(h('section', { class: 'legend-group' },
          h('h3', {}, t(GROUP_LABEL[group])),
          layers.map((layer) => this.renderLayer(layer, s))));
      }
      const extra = this.extraSection?.(s.zoom);
      if (extra) body.append(extra);
    }
    this.element.replaceChildren(header, body);
  }

  private renderLayer(layer: LayerInfo, s: LegendState): HTMLElement {
    const swatches = legendSwatches(layer);
    const single = swatches.length === 1;
    const checked = s.visible.has(layer.id);
    const outOfRange = s.zoom < layer.minzoom;
    const count = s.counts.get(layer.id);
    const row = h('label', { class: `legend-layer${outOfRange ? ' out-of-range' : ''}` },
      h('input', {
        type: 'checkbox', 'data-layer': layer.id, checked,
        onchange: (e: Event) => this.onToggle(layer.id, (e.target as HTMLInputElement).checked),
      }),
      single ? this.swatch(layer, swatches[0].color) : null,
      h('span', { class: 'legend-title' }, tr(layer.title)),
      count !== undefined ? h('span', { class: 'legend-count' }, formatNumber(count, 0)) : null);
    const items: (HTMLElement | null)[] = [row];
    const dotsBelow = pointsBelowZoom(layer);
    if (outOfRange && checked) items.push(h('div', { class: 'legend-hint' }, t('zoomInToSee', { z: layer.minzoom })));
    else if (dotsBelow !== null && s.zoom < dotsBelow && checked) {
      items.push(h('div', { class: 'legend-hint legend-hint-info' }, t('shownAsDots', { z: dotsBelow })));
    }
    if (!single) {
      items.push(h('ul', { class: `legend-swatches${checked ? '' : ' disabled'}${swatches.length > 4 ? ' two-columns' : ' inline'}` },
        swatches.map((sw) => h('li', { title: tr(sw.label) }, this.swatch(layer, sw.color), h('span', {}, tr(sw.label))))));
    }
    return h('div', { class: 'legend-item' }, items);
  }

  private swatch(layer: LayerInfo, color: string): HTMLElement {
    const kind = layer.style.kind;
    const style = kind === 'line'
      ? `border-color:${layer.style.outlineColor ?? color}`
      : `background:${color};border-color:${layer.style.outlineColor ?? color}`;
    return h('span', { class: `swatch swatch-${kind}`, style, 'aria-hidden': 'true' });
  }
}
