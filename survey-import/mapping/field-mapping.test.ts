import { describe, expect, it } from 'vitest';
import { county, declaredAreaIssue, detectColumn, landUse, mapCarrierAttributes } from './field-mapping.ts';
import { parseRange } from './values.ts';

const ctx = { file: 'parcels.shp', index: 16, where: 'feature 17' };
const map = (props: Record<string, unknown>, mapping?: Record<string, string>) => mapCarrierAttributes(props, { ...ctx, mapping });

describe('detectColumn', () => {
  it.each([
    ['地块编号', 'code'], ['宗地编号', 'code'], ['DKBH', 'code'], ['ZDBH', 'code'],
    ['地块名称', 'name'], ['名称', 'name'], ['MC', 'name'], ['DKMC', 'name'],
    ['面积', 'area_declared_m2'], ['用地面积(亩)', 'area_declared_m2'], ['MJ', 'area_declared_m2'], ['YDMJ', 'area_declared_m2'], ['DKMJ', 'area_declared_m2'], ['MJ_MU', 'area_declared_m2'],
    ['用地性质', 'land_use'], ['土地用途', 'land_use'], ['YDXZ', 'land_use'], ['TDYT', 'land_use'],
    ['容积率', 'plot_ratio'], ['RJL', 'plot_ratio'], ['建筑系数', 'building_coefficient_pct'], ['JZXS', 'building_coefficient_pct'],
    ['投资强度（万元/亩）', 'investment_intensity_wan_per_mu'], ['TZQD', 'investment_intensity_wan_per_mu'],
    ['亩均产出', 'output_per_mu_wan'], ['亩均税收', 'tax_per_mu_wan'], ['电力容量', 'power_kva'], ['供水', 'water_t_per_day'],
    ['天然气', 'gas'], ['权属', 'ownership'], ['QS', 'ownership'], ['联系人', 'contact_name'], ['联系电话', 'contact_phone'],
    ['出让价', 'price'], ['租金', 'price'], ['状态', 'status'], ['县区', 'county_adcode'], ['行政区', 'county_adcode'],
    ['SHAPE_AREA', null], ['OBJECTID', null],
  ])('%s → %s', (header, target) => {
    expect(detectColumn(header)).toBe(target);
  });
});

describe('mapCarrierAttributes', () => {
  it.each([
    [{ 面积: 1000 }, { area_declared_m2: 1000 }],
    [{ 面积: '1,000平方米' }, { area_declared_m2: 1000 }],
    [{ 面积: '12.5㎡' }, { area_declared_m2: 12.5 }],
    [{ '用地面积(亩)': 15 }, { area_declared_m2: 10000 }],
    [{ MJ_MU: 42 }, { area_declared_m2: 28000 }],
    [{ 面积: '30亩' }, { area_declared_m2: 20000 }],
    [{ '面积（公顷）': 2.5 }, { area_declared_m2: 25000 }],
    [{ YDMJ: '6ha' }, { area_declared_m2: 60000 }],
    [{ 用地性质: '一类工业用地' }, { land_use: 'M1' }],
    [{ 用地性质: '二类工业用地' }, { land_use: 'M2' }],
    [{ YDXZ: '三类工业用地' }, { land_use: 'M3' }],
    [{ TDYT: '物流仓储用地' }, { land_use: 'W1' }],
    [{ 土地用途: '商业用地' }, { land_use: 'B1' }],
    [{ 用地性质: '商务用地' }, { land_use: 'B2' }],
    [{ 用地性质: '科研用地' }, { land_use: 'A35' }],
    [{ 用地性质: '100102' }, { land_use: 'M2' }],
    [{ 用地性质: 'M1 一类工业用地' }, { land_use: 'M1' }],
    [{ 容积率: '1.2-2.5' }, { plot_ratio_min: 1.2, plot_ratio_max: 2.5 }],
    [{ RJL: '≥1.2' }, { plot_ratio_min: 1.2 }],
    [{ 容积率: '1.0~2.0' }, { plot_ratio_min: 1, plot_ratio_max: 2 }],
    [{ 容积率: '不大于3.0' }, { plot_ratio_max: 3 }],
    [{ 容积率: 1.5 }, { plot_ratio_min: 1.5, plot_ratio_max: 1.5 }],
    [{ 建筑系数: '≥40%' }, { building_coefficient_pct: 40 }],
    [{ JZXS: 45 }, { building_coefficient_pct: 45 }],
    [{ 投资强度: '≥300' }, { investment_intensity_wan_per_mu: 300 }],
    [{ 投资强度: '4500万元/公顷' }, { investment_intensity_wan_per_mu: 300 }],
    [{ 亩均产出: '500万元/亩' }, { output_per_mu_wan: 500 }],
    [{ 亩均税收: 30 }, { tax_per_mu_wan: 30 }],
    [{ 供电: '10000kVA' }, { power_kva: 10000 }],
    [{ 电力容量: '2万kVA' }, { power_kva: 20000 }],
    [{ 供电: '10MVA' }, { power_kva: 10000 }],
    [{ 供水: '5000吨/日' }, { water_t_per_day: 5000 }],
    [{ 供水: '3000 m3/d' }, { water_t_per_day: 3000 }],
    [{ 天然气: '有' }, { gas: true }],
    [{ 天然气: '无' }, { gas: false }],
    [{ TRQ: '是' }, { gas: true }],
    [{ 天然气: '否' }, { gas: false }],
    [{ 权属: '达州市国有土地' }, { ownership: '达州市国有土地' }],
    [{ 联系人: '张明', 联系电话: 13800000000 }, { contact_name: '张明', contact_phone: '13800000000' }],
    [{ 出让价: '15万元/亩' }, { price: 15, price_unit: '万元/亩' }],
    [{ '出让价(万元/亩)': 15 }, { price: 15, price_unit: '万元/亩' }],
    [{ 租金: '12元/㎡·月' }, { price: 12, price_unit: '元/m²·月' }],
    [{ 状态: '可招商' }, { status: 'available' }],
    [{ 状态: '待招商' }, { status: 'available' }],
    [{ 状态: '洽谈中' }, { status: 'reserved' }],
    [{ 状态: '已出让' }, { status: 'occupied' }],
    [{ 状态: '已入驻' }, { status: 'occupied' }],
    [{ 县区: '通川区' }, { county_adcode: '511702' }],
    [{ 县区: '达州市达川区' }, { county_adcode: '511703' }],
    [{ 行政区: '宣汉县' }, { county_adcode: '511722' }],
    [{ 县区: '开江' }, { county_adcode: '511723' }],
    [{ 县区: '大竹县' }, { county_adcode: '511724' }],
    [{ 县区: '渠县' }, { county_adcode: '511725' }],
    [{ 县区: '万源市' }, { county_adcode: '511781' }],
    [{ XZQ: '511781' }, { county_adcode: '511781' }],
    [{ XZQDM: '511702000000' }, { county_adcode: '511702' }],
    [{ 产业类型: '装备制造、新材料，电子信息' }, { allowed_industries: ['装备制造', '新材料', '电子信息'] }],
    [{ 交付时间: '2025年6月' }, { available_from: '2025-06-01' }],
    [{ 交付时间: '2025-06-30' }, { available_from: '2025-06-30' }],
  ])('%j → %j', (props, values) => {
    const r = map(props);
    expect(r.values).toEqual(values);
  });

  it.each([
    [{ 容积率: 'abc' }, '容积率', 'abc', 'feature 17: 容积率: plot ratio "abc" is not a number or range such as 1.2-2.5 or ≥1.0'],
    [{ 容积率: '2.5-1.2' }, '容积率', '2.5-1.2', 'feature 17: 容积率: plot ratio "2.5-1.2" has min > max'],
    [{ 面积: '约五十亩' }, '面积', '约五十亩', 'feature 17: 面积: area "约五十亩" is not a number'],
    [{ 面积: '50英亩' }, '面积', '50英亩', 'feature 17: 面积: area unit "英亩" is not m²/㎡/平方米, 亩 or 公顷/ha'],
    [{ 用地性质: '耕地' }, '用地性质', '耕地', undefined],
    [{ 天然气: '规划中' }, '天然气', '规划中', 'feature 17: 天然气: gas "规划中" is not 有/无 or 是/否'],
    [{ 状态: '不详' }, '状态', '不详', undefined],
    [{ 县区: '成华区' }, '县区', '成华区', undefined],
    [{ 县区: '510108' }, '县区', '510108', undefined],
    [{ 建筑系数: '150%' }, '建筑系数', '150%', undefined],
    [{ 供电: '双回路' }, '供电', '双回路', 'feature 17: 供电: power capacity "双回路" is not a number'],
  ])('%j is an issue naming the field and the value', (props, field, value, message) => {
    const r = map(props);
    expect(r.values).toEqual({});
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ file: 'parcels.shp', index: 16, where: 'feature 17', field, value });
    if (message) expect(r.issues[0]!.message).toBe(message);
  });

  it('does not guess 亩 for a bare 面积 column (default m²)', () => {
    expect(map({ 面积: 42 }).values.area_declared_m2).toBe(42);
  });

  it('maps generic 工业用地 to M1 with a warning that the class was assumed', () => {
    const r = map({ YDXZ: '工业用地' });
    expect(r.values.land_use).toBe('M1');
    expect(r.issues[0]!.message).toMatch(/names no class; recorded as M1/);
  });

  it('lists fields it does not understand, and skips empty values silently', () => {
    const r = map({ DKBH: 'A-1', SHAPE_AREA: 123.4, 备用字段: 'x', 容积率: '' });
    expect(r.values).toEqual({ code: 'A-1' });
    expect(r.unmapped).toEqual(['SHAPE_AREA', '备用字段']);
    expect(r.issues).toEqual([]);
  });

  it('lets a user mapping override detection, drop fields, and reports unknown targets', () => {
    const r = map({ BH: 'X-9', F1: '二类工业用地', MJ: 3, ZT: '可招商', QT: 'y' }, { BH: 'name', F1: 'land_use', ZT: 'ignore', QT: 'no_such_column' });
    expect(r.values).toEqual({ name: 'X-9', land_use: 'M2', area_declared_m2: 3 });
    expect(r.unmapped).toEqual(['QT']);
    expect(r.issues.map((i) => i.message)).toEqual(['feature 17: mapping names unknown column "no_such_column" for field QT']);
  });

  it('reads English names and descriptions by header, or by a user mapping of any field', () => {
    const r = map({ 地块名称: '高新区A-1地块', 英文名称: 'Hi-tech Zone plot A-1', YWSM: '20 mu of class 1 industrial land' });
    expect(r.values).toEqual({ name: '高新区A-1地块', name_en: 'Hi-tech Zone plot A-1', description_en: '20 mu of class 1 industrial land' });
    const m = map({ EN: 'Plot B-2', TXT: 'Serviced land' }, { EN: 'name_en', TXT: 'description_en' });
    expect(m.values).toEqual({ name_en: 'Plot B-2', description_en: 'Serviced land' });
    expect(m.unmapped).toEqual([]);
  });

  it('keeps the first of two fields mapping to the same column and says so', () => {
    const r = map({ 面积: 100, MJ: 200 });
    expect(r.values.area_declared_m2).toBe(100);
    expect(r.issues[0]).toMatchObject({ field: 'MJ', value: 200 });
  });
});

describe('helpers', () => {
  it.each([
    ['1.2-2.5', { min: 1.2, max: 2.5 }], ['1.2～2.5', { min: 1.2, max: 2.5 }], ['≥1.2', { min: 1.2, max: null }],
    ['>=1.0', { min: 1, max: null }], ['1.0以上', { min: 1, max: null }], ['≤2.5', { min: null, max: 2.5 }], ['2', { min: 2, max: 2 }],
  ])('parseRange(%j)', (raw, range) => {
    expect(parseRange(raw)).toEqual(range);
  });

  it('landUse and county return null for unknown input', () => {
    expect(landUse('住宅用地')).toBeNull();
    expect(county('成都市')).toBeNull();
  });

  it('declaredAreaIssue flags > 5 % differences and names 亩 when the figure fits it', () => {
    expect(declaredAreaIssue(10400, 10000, ctx)).toBeNull();
    expect(declaredAreaIssue(11000, 10000, ctx)!.message).toBe("feature 17: declared area 11000 m² differs by 10 % from the geometry's 10000 m²");
    const mu = declaredAreaIssue(15, 10000, ctx)!;
    expect(mu.message).toMatch(/matches the geometry in 亩/);
    expect(mu.field).toBe('area_declared_m2');
  });
});
