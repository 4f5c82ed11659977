/**
 * The BIM element panel: IFC type, name, storey, GlobalId and property sets of the element picked
 * in a model. Plain DOM, text only (values come from uploaded files: never HTML).
 */

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
.bim-panel details{margin:4px 12px;border-top:1px solid #eee;padding-top:4px}
.bim-panel summary{cursor:pointer;font-weight:600}
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

  /** Shows one element. */
  show(model: string, e: ElementProperties): void {
    this.title.textContent = `${model} · ${e.type}`;
    const dl = document.createElement('dl');
    const row = (k: string, v: string | null) => dl.append(text('dt', k), text('dd', v ?? '—'));
    row('类型 Type', e.type);
    row('名称 Name', e.name);
    row('楼层 Storey', e.storey);
    row('GlobalId', e.globalId);
    row('expressID', String(e.expressID));
    const sets = Object.entries(e.propertySets).map(([name, props]) => {
      const d = document.createElement('details');
      d.append(text('summary', name));
      const pdl = document.createElement('dl');
      for (const [k, v] of Object.entries(props)) pdl.append(text('dt', k), text('dd', v === null ? '—' : String(v)));
      d.append(pdl);
      return d;
    });
    if (sets[0]) sets[0].open = true;
    this.body.replaceChildren(dl, ...sets);
    this.root.dataset.expressId = String(e.expressID);
    this.root.hidden = false;
  }

  hide(): void {
    this.root.hidden = true;
  }
}
