/**
 * The BIM element panel: a readable summary of the element picked in a model first — what it is
 * (the IFC type in the reader's language), its name, storey, and area / volume where the model's
 * quantities give them (Qto_* / BaseQuantities; computed from length × height × width when only
 * those are given, marked ≈) — and the IFC identity and property sets behind a "details" toggle.
 * Plain DOM, text only (values come from uploaded files: never HTML). Re-rendered when the language
 * changes.
 */
import { getLang, onLangChange, type Lang } from '../shared/i18n.service.ts';

/** An element of a model's property index (`propertiesUrl`). */
export interface ElementProperties {
  expressID: number;
  globalId: string | null;
  type: string;
  name: string | null;
  storey: string | null;
  propertySets: Record<string, Record<string, string | number | boolean | null>>;
  node?: number | null;
}

const STYLE = `
.bim-panel{position:absolute;right:12px;bottom:36px;z-index:5;width:min(360px,calc(100% - 24px));max-height:55%;overflow:auto;
  background:#fff;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.25);font:13px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;color:#222}
.bim-panel header{display:flex;align-items:center;gap:8px;padding:8px 12px;background:#0b3d91;color:#fff;position:sticky;top:0}
.bim-panel header h2{font-size:14px;margin:0;flex:1}
.bim-panel header button{background:none;border:0;color:#fff;font-size:18px;cursor:pointer}
.bim-panel dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:8px 12px}
.bim-panel dt{color:#666}.bim-panel dd{margin:0;word-break:break-word}
.bim-panel .bim-summary{font-size:14px}
.bim-panel details{margin:4px 12px 10px;border-top:1px solid #eee;padding-top:6px}
.bim-panel summary{cursor:pointer;font-weight:600;color:#0b3d91}
.bim-panel details h3{font-size:13px;margin:8px 12px 2px;color:#444}
`;

function text(tag: string, value: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  e.textContent = value;
  if (className) e.className = className;
  return e;
}

/** The panel; hidden until an element is picked. */
export class ElementPanel {
  private readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  /** What is shown, to re-render in the other language. */
  private current: { model: string; element: ElementProperties } | null = null;

  constructor(container: HTMLElement, onClose: () => void) {
    if (!document.getElementById('bim-panel-style')) {
      const style = document.createElement('style');
      style.id = 'bim-panel-style';
      style.textContent = STYLE;
      document.head.append(style);
    }
    this.root = document.createElement('section');
    this.root.className = 'bim-panel';
    this.root.hidden = true;
    this.root.setAttribute('aria-live', 'polite');
    const header = document.createElement('header');
    this.title = text('h2', '');
    const close = text('button', '×');
    close.setAttribute('aria-label', '关闭 / Close');
    close.addEventListener('click', () => {
      this.hide();
      onClose();
    });
    header.append(this.title, close);
    this.body = document.createElement('div');
    this.root.append(header, this.body);
    container.append(this.root);
    onLangChange(() => {
      if (this.current && !this.root.hidden) this.show(this.current.model, this.current.element);
    });
  }

  showLoading(model: string): void {
    this.title.textContent = model;
    this.body.replaceChildren(text('p', '…'));
    this.root.hidden = false;
  }

  showError(message: string): void {
    this.body.replaceChildren(text('p', message));
    this.root.hidden = false;
  }

  /** Shows one element: the summary, then its IFC details (closed). */
  show(model: string, e: ElementProperties): void {
    this.current = { model, element: e };
    const lang = getLang();
    const L = (k: keyof typeof LABELS) => LABELS[k][lang];
    this.title.textContent = `${elementTypeName(e.type, lang)}${e.name ? ` · ${e.name}` : ''}`;
    const summary = document.createElement('dl');
    summary.className = 'bim-summary';
    const row = (dl: HTMLElement, k: string, v: string | null) => dl.append(text('dt', k), text('dd', v ?? '—'));
    row(summary, L('model'), model);
    row(summary, L('type'), elementTypeName(e.type, lang));
    if (e.name) row(summary, L('name'), e.name);
    row(summary, L('storey'), e.storey);
    const q = elementQuantities(e);
    if (q.area) row(summary, L('area'), `${q.area.approx ? '≈ ' : ''}${formatQuantity(q.area.value)} m²`);
    if (q.volume) row(summary, L('volume'), `${q.volume.approx ? '≈ ' : ''}${formatQuantity(q.volume.value)} m³`);
    if (q.size) row(summary, L('size'), q.size);
    const details = document.createElement('details');
    details.className = 'bim-details';
    details.append(text('summary', L('details')));
    const id = document.createElement('dl');
    row(id, L('ifcType'), e.type);
    row(id, 'GlobalId', e.globalId);
    row(id, 'expressID', String(e.expressID));
    details.append(id);
    for (const [name, props] of Object.entries(e.propertySets)) {
      details.append(text('h3', name));
      const pdl = document.createElement('dl');
      for (const [k, v] of Object.entries(props)) row(pdl, k, v === null ? null : String(v));
      details.append(pdl);
    }
    if (Object.keys(e.propertySets).length === 0) details.append(text('p', L('noSets')));
    this.body.replaceChildren(summary, details);
    this.root.dataset.expressId = String(e.expressID);
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
    this.current = null;
  }
}

/** Panel labels. */
const LABELS = {
  model: { zh: '模型', en: 'Model' },
  type: { zh: '构件类型', en: 'Element' },
  name: { zh: '名称', en: 'Name' },
  storey: { zh: '楼层', en: 'Storey' },
  area: { zh: '面积', en: 'Area' },
  volume: { zh: '体积', en: 'Volume' },
  size: { zh: '尺寸（长×宽×高）', en: 'Size (L × W × H)' },
  details: { zh: '详细信息（IFC 属性集）', en: 'Details (IFC property sets)' },
  ifcType: { zh: 'IFC 类型', en: 'IFC type' },
  noSets: { zh: '没有属性集', en: 'No property sets' },
} as const;

/** IFC element types in Chinese and English (IfcWallStandardCase → Wall); others are spelled out from the name. */
const IFC_TYPES: Record<string, [string, string]> = {
  IfcWall: ['墙', 'Wall'], IfcWallStandardCase: ['墙', 'Wall'], IfcCurtainWall: ['幕墙', 'Curtain wall'],
  IfcSlab: ['楼板', 'Slab'], IfcRoof: ['屋面', 'Roof'], IfcDoor: ['门', 'Door'], IfcWindow: ['窗', 'Window'],
  IfcColumn: ['柱', 'Column'], IfcBeam: ['梁', 'Beam'], IfcStair: ['楼梯', 'Stair'], IfcStairFlight: ['楼梯段', 'Stair flight'],
  IfcRamp: ['坡道', 'Ramp'], IfcRailing: ['栏杆', 'Railing'], IfcSpace: ['房间', 'Space'], IfcCovering: ['饰面', 'Covering'],
  IfcPlate: ['板', 'Plate'], IfcMember: ['杆件', 'Member'], IfcFooting: ['基础', 'Footing'], IfcPile: ['桩', 'Pile'],
  IfcBuildingElementProxy: ['建筑构件', 'Building element'], IfcFurnishingElement: ['家具', 'Furniture'], IfcFurniture: ['家具', 'Furniture'],
  IfcOpeningElement: ['洞口', 'Opening'], IfcFlowTerminal: ['设备末端', 'Flow terminal'], IfcFlowSegment: ['管道', 'Pipe or duct'],
  IfcSite: ['场地', 'Site'], IfcBuilding: ['建筑', 'Building'], IfcBuildingStorey: ['楼层', 'Storey'], GltfNode: ['模型部件', 'Model part'],
};

/** The element type in `lang` ("IfcWallStandardCase" → 墙 / Wall; unknown types spelled out: "IfcShadingDevice" → "Shading device"). */
export function elementTypeName(type: string, lang: Lang): string {
  const known = IFC_TYPES[type];
  if (known) return lang === 'en' ? known[1] : known[0];
  const words = type.replace(/^Ifc/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : type;
}

type Quantity = { value: number; approx: boolean };

/**
 * Area and volume from the element's quantities: explicit ones first (net before gross, e.g.
 * NetSideArea, GrossArea, NetVolume), else computed from Length × Height (× Width). Also a size
 * "L × W × H m" when those three are given.
 */
export function elementQuantities(e: ElementProperties): { area: Quantity | null; volume: Quantity | null; size: string | null } {
  const all = new Map<string, number>();
  for (const [set, props] of Object.entries(e.propertySets)) {
    if (!/quantit|^qto_/i.test(set) && !/BaseQuantities/i.test(set)) continue;
    for (const [k, v] of Object.entries(props)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      if (Number.isFinite(n) && n > 0 && !all.has(k)) all.set(k, n);
    }
  }
  const first = (keys: string[]) => keys.map((k) => all.get(k)).find((v) => v !== undefined) ?? null;
  const areaValue = first(['NetSideArea', 'GrossSideArea', 'NetArea', 'GrossArea', 'NetFloorArea', 'GrossFloorArea', 'NetFootprintArea', 'GrossFootprintArea', 'Area']);
  const volumeValue = first(['NetVolume', 'GrossVolume', 'Volume']);
  const length = first(['Length']), height = first(['Height', 'Depth']), width = first(['Width', 'Thickness']);
  const area = areaValue !== null ? { value: areaValue, approx: false } : length !== null && height !== null ? { value: length * height, approx: true } : null;
  const volume = volumeValue !== null ? { value: volumeValue, approx: false }
    : length !== null && height !== null && width !== null ? { value: length * height * width, approx: true } : null;
  const size = length !== null && height !== null && width !== null ? `${formatQuantity(length)} × ${formatQuantity(width)} × ${formatQuantity(height)} m` : null;
  return { area, volume, size };
}

function formatQuantity(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2).replace(/\.?0+$/, '');
}
