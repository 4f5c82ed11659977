/**
 * Vocabulary of Chinese parcel tables: header aliases (Chinese and the pinyin initials used in
 * DBF field names), land-use names and codes, carrier status words, and Dazhou's counties.
 */

/** Target columns of `carriers` that attribute mapping can fill, plus the declared area. */
export type CarrierColumn =
  | 'code' | 'name' | 'land_use' | 'allowed_industries' | 'price' | 'price_unit' | 'floors' | 'floor_area_m2'
  | 'floor_load_kn_m2' | 'clear_height_m' | 'building_height_m' | 'plot_ratio' | 'plot_ratio_min' | 'plot_ratio_max'
  | 'building_coefficient_pct' | 'investment_intensity_wan_per_mu' | 'output_per_mu_wan' | 'tax_per_mu_wan'
  | 'power_kva' | 'water_t_per_day' | 'gas' | 'ownership' | 'contact_name' | 'contact_phone' | 'available_from'
  | 'description' | 'status' | 'county_adcode' | 'area_declared_m2' | 'name_en' | 'description_en';

/**
 * Header aliases per target, compared after normalisation (lower case, no spaces, no unit in
 * brackets, no pinyin unit suffix such as _MU). Pinyin initials are the usual DBF spellings:
 * DKBH = 地块编号, ZDBH = 宗地编号, MC = 名称, MJ = 面积, YDXZ = 用地性质, TDYT = 土地用途,
 * RJL = 容积率, JZXS = 建筑系数, TZQD = 投资强度, QS = 权属, LXR = 联系人, LXDH = 联系电话,
 * ZT = 状态, XZQ = 行政区. "JG" is taken as 价格 (price), not 净高, as parcel tables use it so.
 */
export const HEADER_ALIASES: Record<Exclude<CarrierColumn, 'plot_ratio_min' | 'plot_ratio_max'>, string[]> = {
  code: ['地块编号', '宗地编号', '地块代码', '宗地代码', '编号', '载体编号', 'dkbh', 'zdbh', 'dkdm', 'zddm', 'bh', 'code'],
  name: ['地块名称', '宗地名称', '载体名称', '项目名称', '名称', 'dkmc', 'zdmc', 'mc', 'name'],
  area_declared_m2: ['面积', '用地面积', '地块面积', '宗地面积', '土地面积', '出让面积', 'mj', 'ydmj', 'dkmj', 'zdmj', 'tdmj', 'area'],
  land_use: ['用地性质', '土地用途', '规划用途', '用途', '用地类型', 'ydxz', 'tdyt', 'ghyt', 'yt', 'landuse', 'land_use'],
  plot_ratio: ['容积率', 'rjl', 'far', 'plot_ratio'],
  building_coefficient_pct: ['建筑系数', 'jzxs'],
  investment_intensity_wan_per_mu: ['投资强度', '亩均投资', 'tzqd'],
  output_per_mu_wan: ['亩均产出', '亩均产值', '产出强度', 'mjcc', 'mjcz'],
  tax_per_mu_wan: ['亩均税收', '税收强度', 'mjss'],
  power_kva: ['供电', '电力容量', '供电容量', '供电能力', '电力', 'gd', 'dlrl', 'gdrl'],
  water_t_per_day: ['供水', '供水能力', '日供水量', '供水量', 'gs', 'gsnl'],
  gas: ['天然气', '供气', '燃气', 'trq', 'rq'],
  ownership: ['权属', '权属单位', '土地权属', '产权', '产权单位', 'qs', 'qsdw', 'cq'],
  contact_name: ['联系人', 'lxr'],
  contact_phone: ['联系电话', '电话', '联系方式', '手机', 'lxdh', 'dh'],
  price: ['价格', '出让价', '出让价格', '挂牌价', '租金', '售价', '单价', 'jg', 'crj', 'zj', 'price'],
  price_unit: ['价格单位', '计价单位', 'jgdw'],
  status: ['状态', '招商状态', '载体状态', 'zt', 'zszt', 'status'],
  county_adcode: ['县区', '区县', '县市区', '行政区', '所属县区', '行政区划', '行政区代码', 'xzq', 'xzqdm', 'xq', 'qx', 'adcode', 'county'],
  floors: ['层数', '楼层数', '楼层', 'cs'],
  floor_area_m2: ['建筑面积', 'jzmj'],
  floor_load_kn_m2: ['荷载', '楼面荷载', '承重', 'hz'],
  clear_height_m: ['净高'],
  building_height_m: ['建筑高度', '限高', 'jzgd', 'xg'],
  allowed_industries: ['产业类型', '准入产业', '适宜产业', '产业方向', '主导产业', 'cylx', 'zrcy'],
  available_from: ['可用日期', '交付时间', '可供时间', '交付日期', 'jfsj'],
  description: ['备注', '说明', '描述', 'bz', 'sm', 'description'],
  // English name and description (bilingual data for the English portal): YWMC = 英文名称, YWSM = 英文说明.
  name_en: ['英文名称', '英文名', '名称英文', 'ywmc', 'name_en', 'englishname', 'nameen'],
  description_en: ['英文说明', '英文描述', '英文简介', '说明英文', 'ywsm', 'description_en', 'englishdescription', 'descriptionen'],
};

/**
 * Land-use words and codes → the GB 50137-2011 codes the layer catalog knows
 * (M1 M2 M3 W1 B1 B2 A35). `assumed` marks a mapping that picks a class the source did not
 * state (a warning is raised):
 * - 工业用地 / 国土空间调查 code 1001 carries no class → M1 (assumed).
 * - 物流仓储用地, 仓储用地, 物流用地 and 国土空间 1101/110101–110103 → W1, the only
 *   warehousing code in the catalog (assumed for class 2/3).
 * - 国土空间 codes 100101/100102/100103 → M1/M2/M3; 0901 商业用地 → B1; 0902 商务金融用地 → B2.
 */
export const LAND_USE_WORDS: Record<string, { code: string; assumed?: boolean }> = {
  一类工业用地: { code: 'M1' }, 二类工业用地: { code: 'M2' }, 三类工业用地: { code: 'M3' },
  工业用地: { code: 'M1', assumed: true }, 工业: { code: 'M1', assumed: true },
  一类物流仓储用地: { code: 'W1' }, 物流仓储用地: { code: 'W1' }, 仓储用地: { code: 'W1' }, 物流用地: { code: 'W1' },
  二类物流仓储用地: { code: 'W1', assumed: true }, 三类物流仓储用地: { code: 'W1', assumed: true },
  商业用地: { code: 'B1' }, 商业: { code: 'B1' }, 商务用地: { code: 'B2' }, 商务金融用地: { code: 'B2' }, 商务: { code: 'B2' },
  科研用地: { code: 'A35' }, 科研设计用地: { code: 'A35' },
  '1001': { code: 'M1', assumed: true }, '100101': { code: 'M1' }, '100102': { code: 'M2' }, '100103': { code: 'M3' },
  '1101': { code: 'W1' }, '110101': { code: 'W1' }, '110102': { code: 'W1', assumed: true }, '110103': { code: 'W1', assumed: true },
  '0901': { code: 'B1' }, '0902': { code: 'B2' },
  m1: { code: 'M1' }, m2: { code: 'M2' }, m3: { code: 'M3' }, w1: { code: 'W1' }, b1: { code: 'B1' }, b2: { code: 'B2' }, a35: { code: 'A35' },
};

/** Status words → carriers.status. */
export const STATUS_WORDS: Record<string, 'available' | 'reserved' | 'occupied'> = {
  可招商: 'available', 待招商: 'available', 招商中: 'available', 空置: 'available', 闲置: 'available', 可用: 'available', 可供: 'available', available: 'available',
  洽谈中: 'reserved', 意向: 'reserved', 已签约: 'reserved', 预留: 'reserved', 已预订: 'reserved', reserved: 'reserved',
  已出让: 'occupied', 已入驻: 'occupied', 已使用: 'occupied', 已出租: 'occupied', 已售: 'occupied', 已租: 'occupied', occupied: 'occupied',
};

/** The 7 county-level units of 达州市 (Dazhou): adcode → full name and short forms. */
export const DAZHOU_COUNTIES: { adcode: string; names: string[] }[] = [
  { adcode: '511702', names: ['通川区', '通川'] },
  { adcode: '511703', names: ['达川区', '达川', '达县'] },
  { adcode: '511722', names: ['宣汉县', '宣汉'] },
  { adcode: '511723', names: ['开江县', '开江'] },
  { adcode: '511724', names: ['大竹县', '大竹'] },
  { adcode: '511725', names: ['渠县'] },
  { adcode: '511781', names: ['万源市', '万源'] },
];

/** Words for gas supply yes/no. */
export const YES_WORDS = ['有', '是', '通', '已通', '已接通', '具备', 'y', 'yes', 'true', '1', '√'];
/** Words for gas supply no. */
export const NO_WORDS = ['无', '否', '未通', '不通', '没有', '不具备', 'n', 'no', 'false', '0', '×'];
