import { describe, expect, it } from 'vitest';
import { ElementPanel, elementQuantities, elementTypeName, type ElementProperties } from './element-panel.component.ts';
import { setLang } from '../shared/i18n.service.ts';

/** The demo factory's south wall (server/demo/demo-model.ts) and the FZK-Haus style slab with explicit quantities. */
const wall: ElementProperties = {
  expressID: 101, globalId: '0123456789ABCDEFGHIJKL', type: 'IfcWall', name: '南墙 South wall', storey: '1F 一层',
  propertySets: { Pset_WallCommon: { IsExternal: true, LoadBearing: true, FireRating: 'REI 120' }, Qto_WallBaseQuantities: { Length: 30, Height: 9, Width: 0.3 } },
};
const slab: ElementProperties = {
  expressID: 7, globalId: null, type: 'IfcSlab', name: null, storey: 'Erdgeschoss',
  propertySets: { BaseQuantities: { GrossArea: 108.5, NetVolume: 32.55, Width: 0.3 }, Pset_SlabCommon: { LoadBearing: true } },
};

describe('BIM element panel', () => {
  it('names IFC types in the reader\'s language and spells out unknown ones', () => {
    expect(elementTypeName('IfcWallStandardCase', 'zh')).toBe('墙');
    expect(elementTypeName('IfcWallStandardCase', 'en')).toBe('Wall');
    expect(elementTypeName('IfcShadingDevice', 'en')).toBe('Shading device');
  });

  it('takes explicit quantities first and computes ≈ area/volume from length × height × width otherwise', () => {
    expect(elementQuantities(slab)).toEqual({ area: { value: 108.5, approx: false }, volume: { value: 32.55, approx: false }, size: null });
    const q = elementQuantities(wall);
    expect(q.area).toEqual({ value: 270, approx: true });
    expect(q.volume!.value).toBeCloseTo(81, 9);
    expect(q.size).toBe('30.0 × 0.3 × 9 m');
    expect(elementQuantities({ ...wall, propertySets: { Pset_WallCommon: { IsExternal: true } } })).toEqual({ area: null, volume: null, size: null });
  });

  it('shows the summary first and the property sets behind a closed details toggle, in Chinese and English', () => {
    setLang('zh');
    const host = document.createElement('div');
    document.body.append(host);
    const panel = new ElementPanel(host, () => undefined);
    panel.show('高新区标准厂房1号楼 BIM (demo)', wall);
    const root = host.querySelector('.bim-panel') as HTMLElement;
    expect(root.hidden).toBe(false);
    const summary = [...root.querySelectorAll('.bim-summary dt')].map((d) => `${d.textContent}=${d.nextElementSibling!.textContent}`);
    expect(summary).toEqual(['模型=高新区标准厂房1号楼 BIM (demo)', '构件类型=墙', '名称=南墙 South wall', '楼层=1F 一层', '面积=≈ 270 m²', '体积=≈ 81.0 m³', '尺寸（长×宽×高）=30.0 × 0.3 × 9 m']);
    const details = root.querySelector('details.bim-details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('详细信息（IFC 属性集）');
    expect(details.textContent).toContain('Pset_WallCommon');
    expect(details.textContent).toContain('REI 120');
    expect(details.textContent).toContain('0123456789ABCDEFGHIJKL');
    // Switching the language re-renders what is shown.
    setLang('en');
    expect(root.querySelector('h2')!.textContent).toBe('Wall · 南墙 South wall');
    expect([...root.querySelectorAll('.bim-summary dt')].map((d) => d.textContent)).toEqual(['Model', 'Element', 'Name', 'Storey', 'Area', 'Volume', 'Size (L × W × H)']);
    expect(root.querySelector('details.bim-details summary')!.textContent).toBe('Details (IFC property sets)');
    setLang('zh');
  });
});
