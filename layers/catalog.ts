/**
 * The layer catalog: every layer the platform serves, as data. Adding a layer means adding a
 * definition here (and its table in a migration); routes, legend and styles follow from it.
 */
import { layerView, type AttributeDefinition, type I18nText, type LayerDefinition } from './definition.ts';

/** Review states (校核): draft → verified → published. */
export const REVIEW_STATES: Record<string, I18nText> = {
  draft: { zh: '草稿', en: 'Draft' },
  verified: { zh: '已校核', en: 'Verified' },
  published: { zh: '已发布', en: 'Published' },
};

/** Availability of a carrier. */
export const CARRIER_STATUS: Record<string, I18nText> = {
  available: { zh: '可招商', en: 'Available' },
  reserved: { zh: '洽谈中', en: 'Reserved' },
  occupied: { zh: '已入驻', en: 'Occupied' },
};

/** Amenity kinds with labels and map colours. */
export const AMENITY_KINDS: Record<string, I18nText & { color: string }> = {
  school: { zh: '学校', en: 'School', color: '#1e88e5' },
  hospital: { zh: '医院', en: 'Hospital', color: '#e53935' },
  pharmacy: { zh: '药店', en: 'Pharmacy', color: '#d81b60' },
  bank: { zh: '银行/ATM', en: 'Bank / ATM', color: '#fdd835' },
  bus_stop: { zh: '公交站', en: 'Bus stop', color: '#43a047' },
  rail_station: { zh: '火车站', en: 'Rail station', color: '#3949ab' },
  highway_exit: { zh: '高速出入口', en: 'Highway exit', color: '#00897b' },
  hotel: { zh: '酒店', en: 'Hotel', color: '#8e24aa' },
  restaurant: { zh: '餐饮', en: 'Restaurant', color: '#fb8c00' },
  mall: { zh: '商场', en: 'Shopping mall', color: '#6d4c41' },
  scenic: { zh: '公园/景区', en: 'Park / scenic area', color: '#7cb342' },
  gas_station: { zh: '加油站', en: 'Gas station', color: '#546e7a' },
  police: { zh: '派出所', en: 'Police station', color: '#0d47a1' },
  post_office: { zh: '邮局/快递', en: 'Post / courier', color: '#c0ca33' },
  government: { zh: '政务服务中心', en: 'Government service centre', color: '#b71c1c' },
  logistics: { zh: '物流园', en: 'Logistics hub', color: '#5d4037' },
};

/** Price units carriers are quoted in (the value of `price_unit`), in both languages. */
export const PRICE_UNITS: Record<string, I18nText> = {
  '万元/亩': { zh: '万元/亩', en: '10k CNY/mu' },
  '元/m²·月': { zh: '元/m²·月', en: 'CNY/m²/month' },
  '元/㎡·月': { zh: '元/m²·月', en: 'CNY/m²/month' },
  '元/m²': { zh: '元/m²', en: 'CNY/m²' },
  '元/㎡': { zh: '元/m²', en: 'CNY/m²' },
  '万元': { zh: '万元', en: '10k CNY' },
};

/** Land-use / zoning codes (GB 50137-2011 urban land classification, the codes parks still quote). */
export const LAND_USE: Record<string, I18nText> = {
  M1: { zh: '一类工业用地', en: 'Industrial, class 1' },
  M2: { zh: '二类工业用地', en: 'Industrial, class 2' },
  M3: { zh: '三类工业用地', en: 'Industrial, class 3' },
  W1: { zh: '一类物流仓储用地', en: 'Logistics & warehousing' },
  B1: { zh: '商业用地', en: 'Commercial' },
  B2: { zh: '商务用地', en: 'Business / office' },
  A35: { zh: '科研用地', en: 'Research & development' },
};

const COUNTY_NAMES_EN: Record<string, string> = {
  '511702': 'Tongchuan District',
  '511703': 'Dachuan District',
  '511722': 'Xuanhan County',
  '511723': 'Kaijiang County',
  '511724': 'Dazhu County',
  '511725': 'Qu County',
  '511781': 'Wanyuan City',
};
/** English names of Dazhou's 7 county-level units, by adcode. */
export const DAZHOU_COUNTIES_EN: Readonly<Record<string, string>> = COUNTY_NAMES_EN;

const t = (zh: string, en: string): I18nText => ({ zh, en });

const statusAttr: AttributeDefinition = { name: 'status', label: t('招商状态', 'Status'), type: 'enum', values: CARRIER_STATUS, required: true };
const reviewAttr: AttributeDefinition = {
  name: 'review_state', label: t('校核状态', 'Review state'), type: 'enum', values: REVIEW_STATES, editable: false, internal: true,
};
const countyAttr: AttributeDefinition = { name: 'county', column: 'county_adcode', label: t('所属县市区', 'County'), type: 'string' };
const areaAttr: AttributeDefinition = { name: 'area_m2', label: t('面积', 'Area'), type: 'number', unit: 'm²', editable: false };
/** Status changes carry a date; an occupied carrier names the enterprise that moved in (落地企业). */
const occupied = { attribute: 'status', values: ['occupied'] };

/** Attributes every carrier layer (land, factories, offices) exposes. */
const carrierCommon: AttributeDefinition[] = [
  { name: 'code', label: t('编号', 'Code'), type: 'string', required: true, maxLength: 64 },
  statusAttr,
  { name: 'status_date', label: t('状态变更日期', 'Status since'), type: 'date' },
  { name: 'occupant_name', label: t('落地企业', 'Enterprise moved in'), type: 'string', requiredWhen: occupied, maxLength: 200 },
  { name: 'occupant_industry', label: t('企业行业', 'Enterprise industry'), type: 'string', maxLength: 100 },
  { name: 'occupant_investment_wan', label: t('企业投资额', 'Enterprise investment'), type: 'number', unit: '万元', unitEn: '10k CNY', min: 0 },
  { name: 'occupant_since', label: t('入驻日期', 'Moved in on'), type: 'date', requiredWhen: occupied },
  countyAttr,
  { name: 'park_id', label: t('所属园区', 'Park'), type: 'integer' },
  areaAttr,
  { name: 'land_use', label: t('用地性质', 'Land use'), type: 'enum', values: LAND_USE },
  { name: 'allowed_industries', label: t('准入产业', 'Allowed industries'), type: 'string[]' },
  { name: 'price', label: t('价格', 'Price'), type: 'number', min: 0 },
  { name: 'price_unit', label: t('价格单位', 'Price unit'), type: 'string', detail: false },
  { name: 'power_kva', label: t('供电容量', 'Power supply'), type: 'number', unit: 'kVA', min: 0 },
  { name: 'water_t_per_day', label: t('供水能力', 'Water supply'), type: 'number', unit: 't/日', unitEn: 't/day', min: 0 },
  { name: 'gas', label: t('天然气', 'Natural gas'), type: 'boolean' },
  { name: 'ownership', label: t('产权性质', 'Ownership'), type: 'string' },
  { name: 'available_from', label: t('可交付日期', 'Available from'), type: 'date' },
  { name: 'contact_name', label: t('联系人', 'Contact'), type: 'string' },
  { name: 'contact_phone', label: t('联系电话', 'Phone'), type: 'string' },
  { name: 'description', label: t('说明', 'Description'), type: 'string', maxLength: 4000 },
  { name: 'name_en', label: t('英文名称', 'Name (English)'), type: 'string', maxLength: 200 },
  { name: 'description_en', label: t('英文说明', 'Description (English)'), type: 'string', maxLength: 6000 },
  reviewAttr,
];

const buildingAttrs: AttributeDefinition[] = [
  { name: 'floors', label: t('层数', 'Floors'), type: 'integer', min: 1, max: 200 },
  { name: 'floor_area_m2', label: t('建筑面积', 'Floor area'), type: 'number', unit: 'm²', min: 0.01 },
  { name: 'building_height_m', label: t('建筑高度', 'Building height'), type: 'number', unit: 'm', min: 0.01, max: 1000 },
];

const statusColors = { available: '#2e7d32', reserved: '#f9a825', occupied: '#9e9e9e' };

/** Every layer served by the platform, in legend order. */
export const LAYERS: readonly LayerDefinition[] = [
  {
    id: 'counties',
    title: t('县（市、区）', 'Counties'),
    group: 'admin',
    table: 'admin_areas',
    where: { column: 'level', value: 'county' },
    geometryType: 'MultiPolygon',
    idColumn: 'adcode',
    nameColumn: 'name_zh',
    attributes: [
      { name: 'adcode', label: t('行政区划代码', 'Adcode'), type: 'string' },
      { name: 'name_en', label: t('英文名', 'English name'), type: 'string' },
      { name: 'area_m2', label: t('面积', 'Area'), type: 'number', unit: 'm²' },
      { name: 'source', label: t('数据来源', 'Source'), type: 'string', internal: true },
    ],
    style: { kind: 'line', color: '#5c6bc0', outlineColor: '#3949ab', size: 2, opacity: 0.08, labelField: 'name' },
    minzoom: 0,
    maxzoom: 22,
    tiles: { properties: ['adcode', 'name_en'] },
    visibleByDefault: true,
    visibility: 'public',
  },
  {
    id: 'parks',
    temporal: { column: 'updated_at', type: 'timestamptz', label: t('最近更新时间', 'Last updated') },
    title: t('产业园区', 'Industrial parks'),
    group: 'park',
    table: 'parks',
    geometryType: 'MultiPolygon',
    idColumn: 'id',
    nameColumn: 'name_zh',
    attributes: [
      { name: 'code', label: t('园区编号', 'Code'), type: 'string', required: true, maxLength: 64 },
      { name: 'name_en', label: t('英文名', 'English name'), type: 'string', required: true, maxLength: 200 },
      { ...countyAttr, required: true },
      {
        name: 'park_level', label: t('园区级别', 'Level'), type: 'enum', required: true,
        values: {
          national: t('国家级', 'National'), provincial: t('省级', 'Provincial'),
          city: t('市级', 'City'), county: t('县级', 'County'),
        },
      },
      { name: 'leading_industries', label: t('主导产业', 'Leading industries'), type: 'string[]' },
      { name: 'area_m2', label: t('规划面积', 'Planned area'), type: 'number', unit: 'm²', editable: false },
      { name: 'established_year', label: t('设立年份', 'Established'), type: 'integer', min: 1949, max: 2100 },
      { name: 'intro_zh', label: t('园区简介', 'Introduction (zh)'), type: 'string', maxLength: 4000 },
      { name: 'intro_en', label: t('英文简介', 'Introduction (en)'), type: 'string', maxLength: 6000 },
      { name: 'contact_name', label: t('招商联系人', 'Contact'), type: 'string' },
      { name: 'contact_phone', label: t('联系电话', 'Phone'), type: 'string' },
      reviewAttr,
    ],
    style: { kind: 'fill', color: '#ff7043', outlineColor: '#e64a19', opacity: 0.12, size: 2, labelField: 'name' },
    // A park (a few km) is smaller than one tile unit below zoom 2, so its tiles would be empty.
    minzoom: 2,
    maxzoom: 22,
    tiles: { properties: ['code', 'name_en', 'county', 'park_level'] },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    id: 'land',
    temporal: { column: 'updated_at', type: 'timestamptz', label: t('最近调查更新时间', 'Last survey update') },
    title: t('土地（地块）', 'Land parcels'),
    group: 'carrier',
    table: 'carriers',
    where: { column: 'kind', value: 'land' },
    geometryType: 'MultiPolygon',
    idColumn: 'id',
    nameColumn: 'name',
    attributes: [
      ...carrierCommon,
      { name: 'plot_ratio_min', label: t('容积率下限', 'Plot ratio min'), type: 'number', min: 0, max: 100 },
      { name: 'plot_ratio_max', label: t('容积率上限', 'Plot ratio max'), type: 'number', min: 0, max: 100 },
      { name: 'building_coefficient_pct', label: t('建筑系数', 'Building coefficient'), type: 'number', unit: '%', min: 0, max: 100 },
      { name: 'investment_intensity_wan_per_mu', label: t('亩均投资强度', 'Investment intensity'), type: 'number', unit: '万元/亩', unitEn: '10k CNY/mu', min: 0 },
      { name: 'output_per_mu_wan', label: t('亩均产出', 'Output per mu'), type: 'number', unit: '万元/亩', unitEn: '10k CNY/mu', min: 0 },
      { name: 'tax_per_mu_wan', label: t('亩均税收', 'Tax per mu'), type: 'number', unit: '万元/亩', unitEn: '10k CNY/mu', min: 0 },
    ],
    style: { kind: 'fill', color: '#2e7d32', colorBy: 'status', colors: statusColors, outlineColor: '#1b5e20', opacity: 0.55 },
    minzoom: 7,
    maxzoom: 22,
    tiles: { properties: ['code', 'status', 'county', 'park_id', 'area_m2', 'land_use', 'price', 'price_unit'], pointsBelowZoom: 12, minAreaUnits: 4, clusterBelowZoom: 11 },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    id: 'factories',
    temporal: { column: 'updated_at', type: 'timestamptz', label: t('最近调查更新时间', 'Last survey update') },
    title: t('标准厂房', 'Standard factories'),
    group: 'carrier',
    table: 'carriers',
    where: { column: 'kind', value: 'factory' },
    geometryType: 'MultiPolygon',
    idColumn: 'id',
    nameColumn: 'name',
    attributes: [
      ...carrierCommon,
      ...buildingAttrs,
      { name: 'floor_load_kn_m2', label: t('楼面荷载', 'Floor load'), type: 'number', unit: 'kN/m²', min: 0.01 },
      { name: 'clear_height_m', label: t('净高', 'Clear height'), type: 'number', unit: 'm', min: 0.01, max: 100 },
    ],
    style: {
      kind: 'fill', color: '#1565c0', colorBy: 'status',
      colors: { available: '#1565c0', reserved: '#f9a825', occupied: '#78909c' },
      outlineColor: '#0d47a1', opacity: 0.75, extrusionHeight: 'building_height_m',
    },
    minzoom: 7,
    maxzoom: 22,
    tiles: { properties: ['code', 'status', 'county', 'park_id', 'area_m2', 'floors', 'building_height_m', 'price', 'price_unit'], pointsBelowZoom: 12, minAreaUnits: 4, clusterBelowZoom: 11 },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    id: 'offices',
    temporal: { column: 'updated_at', type: 'timestamptz', label: t('最近调查更新时间', 'Last survey update') },
    title: t('写字楼/楼宇', 'Office space'),
    group: 'carrier',
    table: 'carriers',
    where: { column: 'kind', value: 'office' },
    geometryType: 'MultiPolygon',
    idColumn: 'id',
    nameColumn: 'name',
    attributes: [...carrierCommon, ...buildingAttrs],
    style: {
      kind: 'fill', color: '#6a1b9a', colorBy: 'status',
      colors: { available: '#6a1b9a', reserved: '#f9a825', occupied: '#8d8d8d' },
      outlineColor: '#4a148c', opacity: 0.75, extrusionHeight: 'building_height_m',
    },
    minzoom: 7,
    maxzoom: 22,
    tiles: { properties: ['code', 'status', 'county', 'park_id', 'area_m2', 'floors', 'building_height_m', 'price', 'price_unit'], pointsBelowZoom: 12, minAreaUnits: 4, clusterBelowZoom: 11 },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    id: 'amenities',
    temporal: { column: 'created_at', type: 'timestamptz', label: t('录入时间', 'Recorded at') },
    title: t('配套设施', 'Amenities'),
    group: 'amenity',
    table: 'amenities',
    geometryType: 'Point',
    idColumn: 'id',
    nameColumn: 'name',
    attributes: [
      {
        name: 'kind', label: t('类型', 'Kind'), type: 'enum', required: true,
        values: Object.fromEntries(Object.entries(AMENITY_KINDS).map(([k, v]) => [k, { zh: v.zh, en: v.en }])),
      },
      { name: 'code', label: t('编号', 'Code'), type: 'string', required: true, maxLength: 64 },
      countyAttr,
      { name: 'address', label: t('地址', 'Address'), type: 'string' },
      reviewAttr,
    ],
    style: {
      kind: 'circle', color: '#455a64', colorBy: 'kind',
      colors: Object.fromEntries(Object.entries(AMENITY_KINDS).map(([k, v]) => [k, v.color])),
      outlineColor: '#ffffff', size: 5,
    },
    minzoom: 9,
    maxzoom: 22,
    tiles: { properties: ['kind', 'county'], clusterBelowZoom: 11, clusterBy: 'kind' },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    // 360° panoramas (rows of `photos` with is_panorama); the map opens the viewer on a click.
    id: 'panoramas',
    temporal: { column: 'taken_at', type: 'text', label: t('拍摄时间', 'Capture time') },
    title: t('360°全景', 'Panoramas (360°)'),
    group: 'park',
    table: 'photos',
    where: { column: 'is_panorama', value: 'true' },
    geometryType: 'Point',
    idColumn: 'id',
    nameColumn: 'file_name',
    attributes: [
      { name: 'heading', label: t('画面中心朝向', 'Heading of the image centre'), type: 'number', unit: '°' },
      { name: 'park_id', label: t('所属园区', 'Park'), type: 'integer' },
      { name: 'taken_at', label: t('拍摄时间', 'Taken at'), type: 'string' },
      { name: 'width', label: t('宽度', 'Width'), type: 'integer', unit: 'px', detail: false },
      { name: 'height', label: t('高度', 'Height'), type: 'integer', unit: 'px', detail: false },
      reviewAttr,
    ],
    style: { kind: 'circle', color: '#ff6f00', outlineColor: '#ffffff', size: 7 },
    minzoom: 11,
    maxzoom: 22,
    tiles: { properties: ['heading', 'park_id'] },
    visibleByDefault: true,
    visibility: 'published-only',
  },
  {
    // Survey photos (drone and phone, not panoramas) at the camera position; `heading` (the view
    // direction) travels in the tiles for a direction marker. Rows of `photos` through the view of migration 011.
    id: 'photos',
    temporal: { column: 'taken_at', type: 'text', label: t('拍摄时间', 'Capture time') },
    title: t('调查照片', 'Survey photos'),
    group: 'park',
    table: 'photo_points',
    geometryType: 'Point',
    idColumn: 'id',
    nameColumn: 'file_name',
    attributes: [
      { name: 'taken_at', label: t('拍摄时间', 'Taken at'), type: 'string', editable: false },
      { name: 'heading', label: t('拍摄方向', 'View direction'), type: 'number', unit: '°', editable: false },
      { name: 'gimbal_pitch', label: t('云台俯仰角', 'Gimbal pitch'), type: 'number', unit: '°', editable: false },
      { name: 'rel_altitude_m', label: t('相对高度', 'Height above take-off'), type: 'number', unit: 'm', editable: false },
      { name: 'make', label: t('设备厂商', 'Camera make'), type: 'string', editable: false },
      { name: 'model', label: t('设备型号', 'Camera model'), type: 'string', editable: false },
      { name: 'carrier_id', label: t('拍摄载体', 'Carrier shown'), type: 'integer', editable: false },
      { name: 'park_id', label: t('所属园区', 'Park'), type: 'integer', editable: false },
      reviewAttr,
    ],
    style: { kind: 'circle', color: '#00838f', outlineColor: '#ffffff', size: 5, directionBy: 'heading' },
    minzoom: 12,
    maxzoom: 22,
    tiles: { properties: ['heading', 'taken_at', 'carrier_id'] },
    visibleByDefault: false,
    visibility: 'published-only',
  },
  {
    // The ground a photo shows (from position, height, gimbal and lens at import).
    id: 'footprints',
    temporal: { column: 'taken_at', type: 'text', label: t('拍摄时间', 'Capture time') },
    title: t('照片地面覆盖范围', 'Photo ground footprints'),
    group: 'park',
    table: 'photo_footprints',
    geometryType: 'MultiPolygon',
    idColumn: 'id',
    nameColumn: 'file_name',
    attributes: [
      { name: 'taken_at', label: t('拍摄时间', 'Taken at'), type: 'string', editable: false },
      { name: 'heading', label: t('拍摄方向', 'View direction'), type: 'number', unit: '°', editable: false },
      { name: 'rel_altitude_m', label: t('相对高度', 'Height above take-off'), type: 'number', unit: 'm', editable: false },
      { name: 'carrier_id', label: t('拍摄载体', 'Carrier shown'), type: 'integer', editable: false },
      { name: 'park_id', label: t('所属园区', 'Park'), type: 'integer', editable: false },
      reviewAttr,
    ],
    style: { kind: 'fill', color: '#00acc1', outlineColor: '#00838f', opacity: 0.18 },
    minzoom: 13,
    maxzoom: 22,
    tiles: { properties: ['taken_at', 'carrier_id'] },
    visibleByDefault: false,
    visibility: 'published-only',
  },
  {
    // GPS tracks and routes (GPX, TCX, KML, DJI flight telemetry); waypoints stay with staff.
    id: 'tracks',
    temporal: { column: 'start_time', type: 'text', label: t('开始时间', 'Start time') },
    title: t('GPS轨迹', 'GPS tracks'),
    group: 'park',
    table: 'track_lines',
    geometryType: 'MultiLineString',
    idColumn: 'id',
    nameColumn: 'name',
    attributes: [
      { name: 'kind', label: t('类型', 'Kind'), type: 'enum', values: { track: t('轨迹', 'Track'), route: t('路线', 'Route') }, editable: false },
      { name: 'file_name', label: t('文件', 'File'), type: 'string', editable: false },
      { name: 'length_m', label: t('长度', 'Length'), type: 'number', unit: 'm', editable: false },
      { name: 'start_time', label: t('开始时间', 'Start time'), type: 'string', editable: false },
      { name: 'end_time', label: t('结束时间', 'End time'), type: 'string', editable: false },
      { name: 'min_ele', label: t('最低高程', 'Lowest altitude'), type: 'number', unit: 'm', editable: false },
      { name: 'max_ele', label: t('最高高程', 'Highest altitude'), type: 'number', unit: 'm', editable: false },
      reviewAttr,
    ],
    style: { kind: 'line', color: '#d84315', outlineColor: '#d84315', size: 2.5 },
    minzoom: 9,
    maxzoom: 22,
    tiles: { properties: ['kind', 'start_time', 'length_m'] },
    visibleByDefault: false,
    visibility: 'published-only',
  },
];

/** Look a layer up by id; with `seesInternal` false, its public view (no internal attributes). */
export function findLayer(id: string, seesInternal = true): LayerDefinition | undefined {
  const layer = LAYERS.find((l) => l.id === id);
  return layer && layerView(layer, seesInternal);
}

/** Every layer as a reader sees it (`layerView`). */
export function layersFor(seesInternal: boolean): readonly LayerDefinition[] {
  return LAYERS.map((l) => layerView(l, seesInternal));
}
