/**
 * The attribute form generated from a layer definition (`/api/layers`): one control per editable
 * attribute — selects for enums and yes/no, number inputs with units and ranges, dates, lists —
 * required marks, and the 落地企业 (enterprise moved in) group shown while the status is occupied.
 * The server checks the same definition; its per-field messages are shown under the fields.
 */
import type { LayerInfo } from '../../shared/api.types.ts';
import { h } from '../../shared/dom.util.ts';
import { tr } from '../../shared/i18n.service.ts';
import { et } from './edit-strings.ts';

type Attr = LayerInfo['attributes'][number];

/** The feature's name as the first, required field. */
const NAME_ATTR: Attr = { name: 'name', label: { zh: '名称', en: 'Name' }, type: 'string', required: true, maxLength: 200 };

/** Editable attributes of a layer, the name first. */
export function formAttributes(layer: LayerInfo): Attr[] {
  return [NAME_ATTR, ...layer.attributes.filter((a) => a.editable !== false && a.name !== 'name')];
}

const isOccupantField = (a: Attr) => a.requiredWhen !== undefined || a.name.startsWith('occupant_');

/** An attribute form; `values()` reads it back as typed JSON. */
export class EditFormComponent {
  readonly element: HTMLFormElement;
  private readonly inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly occupantGroup: HTMLFieldSetElement | null = null;

  constructor(private readonly layer: LayerInfo, initial: Record<string, unknown>, onSubmit: () => void) {
    const attrs = formAttributes(layer);
    const plain = attrs.filter((a) => !isOccupantField(a));
    const occupant = attrs.filter(isOccupantField);
    this.element = h('form', { class: 'edit-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); onSubmit(); } },
      plain.map((a) => this.field(a, initial[a.name])));
    if (occupant.length) {
      this.occupantGroup = h('fieldset', { class: 'edit-occupant' }, h('legend', {}, et('occupant')), occupant.map((a) => this.field(a, initial[a.name])));
      const statusField = this.inputs.get('status')?.closest('.edit-field');
      if (statusField) statusField.after(this.occupantGroup);
      else this.element.append(this.occupantGroup);
      this.inputs.get('status')?.addEventListener('change', () => this.updateOccupant());
      this.updateOccupant();
    }
  }

  private updateOccupant(): void {
    if (!this.occupantGroup) return;
    const status = this.inputs.get('status')?.value;
    const occupied = status === 'occupied';
    this.occupantGroup.hidden = !occupied;
    for (const a of formAttributes(this.layer)) {
      if (!a.requiredWhen) continue;
      const on = a.requiredWhen.values.includes(String(this.inputs.get(a.requiredWhen.attribute)?.value ?? ''));
      this.element.querySelector(`[data-field="${a.name}"] .edit-required`)?.toggleAttribute('hidden', !on);
    }
  }

  private field(a: Attr, value: unknown): HTMLElement {
    const id = `edit-${a.name}`;
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (a.type === 'enum' || a.type === 'boolean') {
      const options: [string, string][] = a.type === 'boolean'
        ? [['true', et('yes')], ['false', et('no')]]
        : Object.entries(a.values ?? {}).map(([k, l]) => [k, tr(l)]);
      input = h('select', { id, name: a.name },
        a.required ? null : h('option', { value: '' }, et('none')),
        options.map(([k, l]) => h('option', { value: k, selected: String(value ?? '') === k }, l)));
    } else if (a.name === 'description' || a.name.startsWith('intro_')) {
      input = h('textarea', { id, name: a.name, rows: 3, maxlength: a.maxLength ?? 4000 });
      input.value = value === null || value === undefined ? '' : String(value);
    } else {
      const type = a.type === 'integer' || a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'text';
      input = h('input', {
        id, name: a.name, type, min: a.min, max: a.max, step: a.type === 'integer' ? 1 : type === 'number' ? 'any' : undefined,
        maxlength: type === 'text' ? (a.maxLength ?? (a.type === 'string[]' ? 2000 : 500)) : undefined,
        placeholder: a.type === 'string[]' ? et('listHint') : undefined,
      });
      input.value = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
    }
    this.inputs.set(a.name, input);
    const error = h('div', { class: 'edit-error', hidden: true });
    this.errors.set(a.name, error);
    const range = a.min !== undefined && a.max !== undefined ? `${a.min}–${a.max}` : a.min !== undefined ? `≥ ${a.min}` : a.max !== undefined ? `≤ ${a.max}` : '';
    return h('div', { class: `edit-field edit-${a.type}`, 'data-field': a.name },
      h('label', { for: id },
        tr(a.label),
        a.unit ? h('span', { class: 'edit-unit' }, ` (${a.unit})`) : null,
        a.required || a.requiredWhen ? h('span', { class: 'edit-required', title: et('required'), hidden: !a.required }, ' *') : null,
        range ? h('span', { class: 'edit-range' }, ` ${range}`) : null),
      input, error);
  }

  /** The form's values by attribute name: numbers as numbers, lists as arrays, empty as null. */
  values(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const a of formAttributes(this.layer)) {
      const raw = this.inputs.get(a.name)?.value.trim() ?? '';
      if (raw === '') { out[a.name] = a.type === 'string[]' ? [] : null; continue; }
      if (a.type === 'integer' || a.type === 'number') out[a.name] = Number(raw);
      else if (a.type === 'boolean') out[a.name] = raw === 'true';
      else if (a.type === 'string[]') out[a.name] = raw.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
      else out[a.name] = raw;
    }
    return out;
  }

  /** Show the server's per-field messages (`error.fields`); clears earlier ones. */
  showErrors(fields: { field: string; message: string }[]): void {
    for (const el of this.errors.values()) { el.hidden = true; el.textContent = ''; }
    for (const f of fields) {
      const el = this.errors.get(f.field);
      if (!el) continue;
      el.hidden = false;
      el.textContent = f.message;
      if (f.field.startsWith('occupant_') && this.occupantGroup) this.occupantGroup.hidden = false;
    }
    const first = fields.find((f) => this.inputs.has(f.field));
    if (first) this.inputs.get(first.field)!.focus();
  }
}
