/** The field-mapping form of the upload preview: what it offers and what it sends. */
import { describe, expect, it } from 'vitest';
import { setLang } from '../shared/i18n.service.ts';
import { BatchPreviewComponent, type BatchPreviewState } from './batch-preview.component.ts';
import type { BatchMapping, ImportBatch } from './imports.service.ts';

const batch: ImportBatch = {
  id: 12, layer: 'land', status: 'validated', crs: null, files: [{ name: 'a.geojson', sha256: 'x', size: 1 }],
  summary: { total: 2, valid: 2, warnings: 0, rejected: 0, unmapped: [{ file: 'a.geojson', fields: [{ field: 'GDFH', rows: 2 }, { field: 'LXR2', rows: 1 }] }] },
  error: null, createdAt: '2026-12-03T10:00:00Z', committedAt: null, undoneAt: null,
};
const mapping: BatchMapping = {
  batch: 12, mapping: { BZ: 'description' },
  fields: [
    { field: 'GDFH', files: ['a.geojson'], rows: 2, mappedTo: null },
    { field: 'LXR2', files: ['a.geojson'], rows: 1, mappedTo: null },
    { field: 'BZ', files: [], rows: 0, mappedTo: 'description' },
  ],
  targets: [
    { column: 'power_kva', label: { zh: '供电容量', en: 'Power supply' }, unit: 'kVA' },
    { column: 'contact_name', label: { zh: '联系人', en: 'Contact' } },
    { column: 'description', label: { zh: '说明', en: 'Description' } },
  ],
};

function form(state: Partial<BatchPreviewState>, sent: Record<string, string>[] = []) {
  const c = new BatchPreviewComponent({ onCommit() {}, onUndo() {}, onReview() {}, onMap: (m) => sent.push(m) });
  c.update({ batch, items: null, notice: null, canEdit: true, canReview: false, busy: false, mapping, ...state });
  return { el: c.element, sent };
}

describe('field mapping in the batch preview', () => {
  it('offers the layer attributes in the page language for each unmapped and mapped field, with the current choice', () => {
    setLang('zh');
    const { el } = form({});
    const selects = [...el.querySelectorAll<HTMLSelectElement>('#field-mapping select')];
    expect(selects.map((s) => s.name)).toEqual(['GDFH', 'LXR2', 'BZ']);
    expect([...selects[0]!.options].map((o) => o.textContent)).toEqual(['— 不对应（不导入）—', '供电容量 (kVA)', '联系人', '说明', '忽略此字段（不再提示）']);
    expect(selects[2]!.value).toBe('description');
    setLang('en');
    expect(form({}).el.querySelector('#field-mapping h3')?.textContent).toBe('Map fields');
    setLang('zh');
  });

  it('sends only the fields given a target (a mapped field set back to none is ignored)', () => {
    const { el, sent } = form({});
    const [gdfh, , bz] = [...el.querySelectorAll<HTMLSelectElement>('#field-mapping select')];
    gdfh!.value = 'power_kva';
    bz!.value = '';
    el.querySelector<HTMLFormElement>('#field-mapping')!.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(sent).toEqual([{ GDFH: 'power_kva', BZ: 'ignore' }]);
  });

  it('is not offered to reviewers, for committed batches or without targets', () => {
    expect(form({ canEdit: false }).el.querySelector('#field-mapping')).toBeNull();
    expect(form({ batch: { ...batch, status: 'committed' } }).el.querySelector('#field-mapping')).toBeNull();
    expect(form({ mapping: { ...mapping, targets: [] } }).el.querySelector('#field-mapping')).toBeNull();
  });
});
