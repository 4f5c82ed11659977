/**
 * The details panel (`#feature-panel`): the clicked feature's name (`.feature-title`), its layer
 * and status. Signed-in staff get every attribute the layer definition marks for detail, with
 * zh/en labels, units, enum labels and areas in m² / 亩 / 公顷. The public (investors) get an
 * investor card instead (`investorCard`): headline figures formatted for people (years without
 * separators, large areas in km² or 公顷, units in the reader's language), no internal field
 * (review state, data source, batch, importer), `tel:` links, the park's cloud card and
 * "我有意向 / I'm interested". Hidden when closed; a bottom sheet on phones.
 *
 * Carriers (land, factories, offices) also list the survey photos and panoramas that show them
 * (`#survey-photos`, from `GET /api/layers/{layer}/features/{id}/photos`): the last survey day,
 * thumbnails with capture dates; a photo opens full size in a lightbox (`#photo-lightbox`), a
 * panorama opens the 360° viewer. The server decides what each viewer sees (the public only
 * published photos of published carriers); staff see unpublished ones marked.
 */
import type { ApiFeature, LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError, requestJson } from '../shared/http.client.ts';
import { formatNumber, getLang, t, tr } from '../shared/i18n.service.ts';
import { industryName } from '../../../layers/industries.ts';
import { formatAttribute, isEmptyValue, M2_PER_HECTARE, M2_PER_MU, type FormatContext } from './feature-format.util.ts';
import { featureColor } from './layer-style.builder.ts';
import './investor-card.css';

/** Attributes shown in the header instead of the table. */
const HEADER_ATTRIBUTES = new Set(['status']);

const CARD = {
  interested: { zh: '我有意向', en: "I'm interested" },
  parkCard: { zh: '园区云名片', en: 'Park card' },
  area: { zh: '面积', en: 'Area' },
  floorArea: { zh: '建筑面积', en: 'Floor area' },
  price: { zh: '价格', en: 'Price' },
  floors: { zh: '层数', en: 'Floors' },
  power: { zh: '供电', en: 'Power' },
  water: { zh: '供水', en: 'Water' },
  gas: { zh: '天然气', en: 'Natural gas' },
  from: { zh: '可交付', en: 'Available from' },
  landUse: { zh: '用地性质', en: 'Land use' },
  industries: { zh: '准入产业', en: 'Industries' },
  leading: { zh: '主导产业', en: 'Leading industries' },
  plotRatio: { zh: '容积率', en: 'Plot ratio' },
  clearHeight: { zh: '净高', en: 'Clear height' },
  floorLoad: { zh: '楼面荷载', en: 'Floor load' },
  intensity: { zh: '亩均投资强度', en: 'Investment intensity' },
  output: { zh: '亩均产出', en: 'Output per mu' },
  contact: { zh: '联系', en: 'Contact' },
  county: { zh: '所属县市区', en: 'County' },
  park: { zh: '所属园区', en: 'Park' },
  level: { zh: '级别', en: 'Level' },
  established: { zh: '设立年份', en: 'Established' },
  address: { zh: '地址', en: 'Address' },
} as const;
const ct = (k: keyof typeof CARD) => CARD[k][getLang()];

const PHOTO_TEXT = {
  title: { zh: '踏勘照片', en: 'Survey photos' },
  lastSurveyed: { zh: '最近踏勘 {date}', en: 'Last surveyed {date}' },
  none: { zh: '暂无踏勘照片', en: 'No survey photos yet' },
  noDate: { zh: '拍摄日期不详', en: 'Date unknown' },
  loadFailed: { zh: '照片加载失败：', en: 'Photos could not be loaded: ' },
  unpublished: { zh: '未发布', en: 'Unpublished' },
  panorama: { zh: '360°', en: '360°' },
  more: { zh: '显示全部 {n} 张', en: 'Show all {n}' },
  open: { zh: '查看大图：{name}', en: 'Open full image: {name}' },
  openPanorama: { zh: '打开360°全景：{name}', en: 'Open the 360° panorama: {name}' },
  prev: { zh: '上一张', en: 'Previous' },
  next: { zh: '下一张', en: 'Next' },
} as const;
const pt = (k: keyof typeof PHOTO_TEXT, params: Record<string, string | number> = {}) =>
  PHOTO_TEXT[k][getLang()].replace(/\{(\w+)\}/g, (_, n: string) => String(params[n] ?? ''));

/** Thumbnails shown before "show all". */
const PHOTOS_SHOWN = 8;

/** A photo or panorama as `GET /api/layers/{layer}/features/{id}/photos` lists it. */
export interface CarrierPhoto {
  id: number;
  fileName: string;
  kind: 'photo' | 'panorama';
  takenAt: string | null;
  takenOn: string | null;
  thumbnailUrl: string;
  imageUrl: string;
  /** Only for staff: the photo's review state. */
  reviewState?: string;
}

/** The answer of the carrier-photos endpoint. */
export interface CarrierPhotos {
  carrier: string;
  lastSurveyed: string | null;
  photos: CarrierPhoto[];
}

/** A capture day (`YYYY-MM-DD`) for people: as is in Chinese, "3 Nov 2026" in English. */
export function surveyDate(day: string): string {
  if (getLang() === 'zh') return day;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** Units as stored (Chinese) → English. */
const UNIT_EN: Record<string, string> = { '万元/亩': '10k CNY/mu', '元/m²·月': 'CNY/m²/month', '元/m²': 'CNY/m²', 't/日': 't/day', 万元: '10k CNY' };
const unit = (u: string) => (getLang() === 'en' ? UNIT_EN[u] ?? u : u);

/** An area for people: km² (with 公顷) from 1 km², else 亩 and 公顷 (land) or m² (floor space). */
export function humanArea(m2: number, land = true): string {
  const en = getLang() === 'en';
  const ha = m2 / M2_PER_HECTARE;
  if (m2 >= 1_000_000) return `${formatNumber(m2 / 1e6, 2)} km² · ${formatNumber(ha, 0)} ${en ? 'ha' : '公顷'}`;
  if (!land) return `${formatNumber(m2, 0)} m²`;
  return `${formatNumber(m2 / M2_PER_MU, 1)} ${en ? 'mu' : '亩'} · ${formatNumber(ha, 2)} ${en ? 'ha' : '公顷'}`;
}

const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;
const langQuery = () => (getLang() === 'en' ? 'lang=en' : '');

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
  /** The survey photos of the shown carrier (key: layer/id/viewer), or their loading state. */
  private photos: { key: string; data: CarrierPhotos | null; error: string | null; all: boolean } | null = null;
  private photosController: AbortController | null = null;
  private lightbox: { element: HTMLElement; list: CarrierPhoto[]; index: number } | null = null;

  constructor(
    private readonly ctx: FormatContext & {
      onParkClick(id: number): void;
      onOpenPanorama?(id: number): void;
      /** Whether the viewer is the anonymous public (gets the investor card). */
      isPublic?(): boolean;
    },
    private readonly onClose: () => void,
  ) {
    this.element = h('aside', { id: 'feature-panel', class: 'feature-panel card', hidden: true, 'aria-live': 'polite' });
    document.addEventListener('keydown', (e) => {
      if (this.lightbox) {
        if (e.key === 'Escape') this.closeLightbox();
        else if (e.key === 'ArrowRight') this.stepLightbox(1);
        else if (e.key === 'ArrowLeft') this.stepLightbox(-1);
        return;
      }
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
    this.photosController?.abort();
    this.photos = null;
    this.closeLightbox();
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
    this.loadPhotos(layer, feature);
    if (this.ctx.isPublic?.() ?? false) {
      this.element.replaceChildren(...this.investorCard(c, String(name), status));
      return;
    }

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
      // Years read as years ("2006", not "2,006").
      const text = attr.name.endsWith('_year') ? String(v) : formatAttribute(attr, v, p, this.ctx);
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
      this.photoSection(),
      c.loading ? h('p', { class: 'muted loading' }, t('loading')) : null);
    this.element.replaceChildren(header, body);
  }

  /** The investor card: headline figures, contact, links; never an internal field. */
  private investorCard(c: PanelContent, name: string, status: string | null): HTMLElement[] {
    const { layer, feature } = c;
    const p = feature.properties ?? {};
    const lang = getLang();
    const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : p[k] !== null && p[k] !== undefined && p[k] !== '' && Number.isFinite(Number(p[k])) ? Number(p[k]) : null);
    const str = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : null);
    const attr = (k: string) => layer.attributes.find((a) => a.name === k);
    const enumLabel = (k: string) => { const v = str(k); const a = attr(k); return v ? (a?.values?.[v] ? tr(a.values[v]) : v) : null; };
    const list = (k: string) => {
      const v = p[k];
      const items = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? v.replace(/^[{[]|[}\]]$/g, '').split(/[,，、]/).map((x) => x.replace(/^"|"$/g, '').trim()).filter(Boolean) : [];
      return items.length ? items.map((x) => industryName(x, lang)).join(lang === 'zh' ? '、' : ', ') : null;
    };
    const facts: [string, string | HTMLElement | null][] = [];
    const isCarrier = layer.group === 'carrier';
    const parkId = layer.id === 'parks' ? Number(feature.id) : num('park_id');
    if (isCarrier) {
      const area = num('area_m2');
      if (layer.id === 'land') facts.push([ct('area'), area === null ? null : humanArea(area)]);
      else facts.push([ct('floorArea'), num('floor_area_m2') !== null ? humanArea(num('floor_area_m2')!, false) : area === null ? null : humanArea(area, false)]);
      const price = num('price');
      facts.push([ct('price'), price === null ? null : `${formatNumber(price, 2)} ${unit(str('price_unit') ?? '')}`.trim()]);
      facts.push([ct('floors'), num('floors') === null ? null : String(num('floors'))]);
      facts.push([ct('landUse'), enumLabel('land_use')]);
      facts.push([ct('industries'), list('allowed_industries')]);
      const pr = [num('plot_ratio_min'), num('plot_ratio_max')].filter((x): x is number => x !== null);
      facts.push([ct('plotRatio'), pr.length ? pr.map((x) => formatNumber(x, 2)).join('–') : null]);
      facts.push([ct('clearHeight'), num('clear_height_m') === null ? null : `${formatNumber(num('clear_height_m')!, 1)} m`]);
      facts.push([ct('floorLoad'), num('floor_load_kn_m2') === null ? null : `${formatNumber(num('floor_load_kn_m2')!, 1)} kN/m²`]);
      facts.push([ct('intensity'), num('investment_intensity_wan_per_mu') === null ? null : `${formatNumber(num('investment_intensity_wan_per_mu')!, 0)} ${unit('万元/亩')}`]);
      facts.push([ct('output'), num('output_per_mu_wan') === null ? null : `${formatNumber(num('output_per_mu_wan')!, 0)} ${unit('万元/亩')}`]);
      facts.push([ct('power'), num('power_kva') === null ? null : `${formatNumber(num('power_kva')!, 0)} kVA`]);
      facts.push([ct('water'), num('water_t_per_day') === null ? null : `${formatNumber(num('water_t_per_day')!, 0)} ${unit('t/日')}`]);
      facts.push([ct('gas'), p.gas === null || p.gas === undefined ? null : p.gas === true || p.gas === 'true' ? t('yes') : t('no')]);
      facts.push([ct('from'), str('available_from') ? formatAttribute(attr('available_from')!, p.available_from, p, this.ctx) : null]);
    } else if (layer.id === 'parks') {
      facts.push([ct('county'), str('county') ? this.ctx.countyName(str('county')!) ?? null : null]);
      facts.push([ct('level'), enumLabel('park_level')]);
      facts.push([ct('area'), num('area_m2') === null ? null : humanArea(num('area_m2')!)]);
      facts.push([ct('established'), num('established_year') === null ? null : String(num('established_year'))]);
      facts.push([ct('leading'), list('leading_industries')]);
    } else if (layer.id === 'counties') {
      facts.push([ct('area'), num('area_m2') === null ? null : humanArea(num('area_m2')!)]);
    } else {
      facts.push([tr(attr('kind')?.label) || '', enumLabel('kind')]);
      facts.push([ct('address'), str('address')]);
      facts.push([ct('county'), str('county') ? this.ctx.countyName(str('county')!) ?? null : null]);
    }
    if (isCarrier && parkId !== null) {
      facts.unshift([ct('park'), this.ctx.parkName(parkId)
        ? h('button', { class: 'link-button', type: 'button', onclick: () => this.ctx.onParkClick(parkId) }, this.ctx.parkName(parkId)!) : null]);
    }
    const phone = str('contact_phone');
    if (phone) {
      facts.push([ct('contact'), h('span', {}, str('contact_name') ? `${str('contact_name')} ` : '', h('a', { href: telHref(phone), class: 'tel-link' }, phone))]);
    }
    const intro = layer.id === 'parks' ? str(lang === 'en' ? 'intro_en' : 'intro_zh') ?? str('intro_zh') : isCarrier ? str('description') : null;

    const statusAttr = attr('status');
    const header = h('header', { class: 'feature-header' },
      h('div', { class: 'feature-layer' }, h('span', { class: 'dot', style: `background:${featureColor(layer, p)}` }), tr(layer.title)),
      h('h2', { class: 'feature-title' }, name),
      h('div', { class: 'feature-badges' },
        status && statusAttr ? h('span', { class: `badge status-${status}`, style: `--badge:${featureColor(layer, p)}` }, formatAttribute(statusAttr, status, p, this.ctx)) : null),
      h('button', { class: 'icon-button close-button', type: 'button', title: t('close'), 'aria-label': t('close'), onclick: () => this.onClose() }, '×'));
    const q = langQuery();
    const cardHref = parkId !== null ? `/parks/${parkId}${q ? `?${q}` : ''}` : null;
    const interestHref = parkId !== null
      ? `/parks/${parkId}?${[isCarrier ? `carrier=${encodeURIComponent(String(feature.id))}` : '', q].filter(Boolean).join('&')}#enquire` : null;
    const body = h('div', { class: 'feature-body investor-card' },
      c.error ? h('p', { class: 'error' }, c.error) : null,
      layer.id === 'parks' && parkId !== null ? h('img', { class: 'investor-cover', src: `/parks/${parkId}/cover.png`, alt: '', loading: 'lazy', width: 1200, height: 630 }) : null,
      h('dl', { class: 'feature-attrs investor-facts' }, facts.filter(([, v]) => v !== null && v !== '').map(([k, v]) =>
        h('div', { class: 'attr' }, h('dt', {}, k), h('dd', {}, v as string | HTMLElement)))),
      intro ? h('p', { class: 'investor-intro' }, intro) : null,
      h('div', { class: 'investor-actions' },
        (isCarrier && status === 'available') || layer.id === 'parks'
          ? (interestHref ? h('a', { class: 'primary-button', id: 'interest-link', href: interestHref }, ct('interested')) : null) : null,
        layer.id === 'panoramas' && this.ctx.onOpenPanorama
          ? h('button', { class: 'primary-button', id: 'open-panorama', type: 'button', onclick: () => this.ctx.onOpenPanorama!(Number(feature.id)) }, t('mapOpenPanorama'))
          : null,
        cardHref && (layer.id === 'parks' || isCarrier) ? h('a', { class: 'text-button', id: 'park-card-link', href: cardHref }, `▤ ${ct('parkCard')}`) : null,
        layer.id === 'parks' ? h('a', { class: 'text-button', id: 'park-tour-link', href: `/tour.html?park=${encodeURIComponent(String(feature.id))}` }, `▶ ${t('mapParkTour')}`) : null),
      this.photoSection(),
      c.loading ? h('p', { class: 'muted loading' }, t('loading')) : null);
    return [header, body];
  }

  // ---------------------------------------------------------------- survey photos

  /** Fetch the photos of a carrier once per carrier and viewer (signing in or out refetches). */
  private loadPhotos(layer: LayerInfo, feature: ApiFeature): void {
    if (layer.group !== 'carrier' || feature.id === undefined || feature.id === null) {
      this.photosController?.abort();
      this.photos = null;
      return;
    }
    const key = `${layer.id}/${feature.id}/${(this.ctx.isPublic?.() ?? false) ? 'public' : 'staff'}`;
    if (this.photos?.key === key) return;
    this.photosController?.abort();
    const controller = (this.photosController = new AbortController());
    this.photos = { key, data: null, error: null, all: false };
    requestJson<CarrierPhotos>(`/api/layers/${encodeURIComponent(layer.id)}/features/${encodeURIComponent(String(feature.id))}/photos`, { signal: controller.signal })
      .then((data) => {
        if (this.photos?.key !== key) return;
        this.photos = { ...this.photos, data };
        this.render();
      })
      .catch((err: unknown) => {
        if (isAbortError(err) || this.photos?.key !== key) return;
        this.photos = { ...this.photos, error: (err as Error).message };
        this.render();
      });
  }

  /** "最近踏勘 2026-11-03" and the thumbnails; nothing while loading or for other layers. */
  private photoSection(): HTMLElement | null {
    const state = this.photos;
    if (!state || (!state.data && !state.error)) return null;
    if (state.error) return h('section', { id: 'survey-photos', class: 'survey-photos' }, h('p', { class: 'error small' }, pt('loadFailed') + state.error));
    const { photos, lastSurveyed } = state.data!;
    // Investors see the section only when there is something to show; staff learn that nothing was surveyed.
    if (photos.length === 0 && (this.ctx.isPublic?.() ?? false)) return null;
    const shown = state.all ? photos : photos.slice(0, PHOTOS_SHOWN);
    const stills = photos.filter((p) => p.kind === 'photo');
    return h('section', { id: 'survey-photos', class: 'survey-photos', 'data-count': photos.length },
      h('div', { class: 'survey-photos-head' },
        h('h3', {}, pt('title')),
        lastSurveyed ? h('span', { class: 'last-surveyed', 'data-date': lastSurveyed }, pt('lastSurveyed', { date: surveyDate(lastSurveyed) })) : null),
      photos.length === 0 ? h('p', { class: 'muted small' }, pt('none')) : h('ul', { class: 'photo-grid' }, shown.map((p) => {
        const unpublished = p.reviewState !== undefined && p.reviewState !== 'published';
        const date = p.takenOn ? surveyDate(p.takenOn) : pt('noDate');
        const open = () => (p.kind === 'panorama' ? this.ctx.onOpenPanorama?.(p.id) : this.openLightbox(stills, stills.indexOf(p)));
        return h('li', {},
          h('button', {
            type: 'button', class: `photo-thumb${unpublished ? ' is-unpublished' : ''}`, 'data-photo-id': p.id, 'data-kind': p.kind,
            'data-review-state': p.reviewState ?? null, title: `${p.fileName} · ${date}`,
            'aria-label': pt(p.kind === 'panorama' ? 'openPanorama' : 'open', { name: `${p.fileName} (${date})` }), onclick: open,
          },
          h('img', { src: p.thumbnailUrl, alt: '', loading: 'lazy', decoding: 'async' }),
          p.kind === 'panorama' ? h('span', { class: 'photo-tag photo-tag-pano' }, pt('panorama')) : null,
          unpublished ? h('span', { class: 'photo-tag photo-tag-draft' }, pt('unpublished')) : null,
          h('span', { class: 'photo-date' }, date)));
      })),
      !state.all && photos.length > PHOTOS_SHOWN
        ? h('button', { type: 'button', class: 'link-button photo-more', onclick: () => { this.photos = { ...state, all: true }; this.render(); } }, pt('more', { n: photos.length }))
        : null);
  }

  /** Show `list[index]` full size over the page; Escape, the backdrop or × close it, arrows step. */
  private openLightbox(list: CarrierPhoto[], index: number): void {
    if (index < 0 || !list[index]) return;
    this.closeLightbox();
    const element = h('div', { id: 'photo-lightbox', class: 'photo-lightbox', role: 'dialog', 'aria-modal': 'true' });
    element.addEventListener('click', (e) => { if (e.target === element) this.closeLightbox(); });
    document.body.append(element);
    this.lightbox = { element, list, index };
    this.renderLightbox();
  }

  private stepLightbox(delta: number): void {
    const lb = this.lightbox;
    if (!lb || lb.list.length < 2) return;
    lb.index = (lb.index + delta + lb.list.length) % lb.list.length;
    this.renderLightbox();
  }

  private renderLightbox(): void {
    const lb = this.lightbox;
    if (!lb) return;
    const p = lb.list[lb.index]!;
    const unpublished = p.reviewState !== undefined && p.reviewState !== 'published';
    const many = lb.list.length > 1;
    lb.element.setAttribute('aria-label', p.fileName);
    lb.element.replaceChildren(...[
      h('figure', { class: 'photo-lightbox-figure' },
        h('img', { src: p.imageUrl, alt: p.fileName, 'data-photo-id': p.id }),
        h('figcaption', {},
          h('span', { class: 'photo-lightbox-name' }, p.fileName),
          h('span', {}, p.takenOn ? surveyDate(p.takenOn) : pt('noDate')),
          unpublished ? h('span', { class: 'photo-tag photo-tag-draft' }, pt('unpublished')) : null,
          many ? h('span', { class: 'muted' }, `${lb.index + 1} / ${lb.list.length}`) : null)),
      many ? h('button', { type: 'button', class: 'photo-lightbox-nav prev', 'aria-label': pt('prev'), title: pt('prev'), onclick: () => this.stepLightbox(-1) }, '‹') : null,
      many ? h('button', { type: 'button', class: 'photo-lightbox-nav next', 'aria-label': pt('next'), title: pt('next'), onclick: () => this.stepLightbox(1) }, '›') : null,
      h('button', { type: 'button', class: 'photo-lightbox-close', 'aria-label': t('close'), title: t('close'), onclick: () => this.closeLightbox() }, '×'),
    ].filter((x): x is HTMLElement => x !== null));
    (lb.element.querySelector('.photo-lightbox-close') as HTMLElement | null)?.focus();
  }

  private closeLightbox(): void {
    this.lightbox?.element.remove();
    this.lightbox = null;
  }
}
