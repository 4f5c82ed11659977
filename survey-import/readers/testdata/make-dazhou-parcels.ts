/**
 * Builds the Dazhou parcel test files in this folder (our own synthetic data, CC0):
 *
 * - `dazhou_parcels_4545.geojson`: 3 parcels with Chinese headers, legacy `crs` member
 *   EPSG:4545 (CGCS2000 / 3-degree Gauss-Kruger CM 108E), near (452000, 3453000) in 通川区.
 * - `dazhou_parcels_gbk_4545.zip`: the same parcels as a Shapefile with pinyin DBF headers,
 *   GBK text, `.cpg` "GBK" and the ESRI `.prj` of EPSG:4545.
 *
 * Rectangles are sized so that the declared areas are exact: 200 × 166.667 m = 50 亩,
 * 300 × 200 m = 6 公顷, 100 × 80 m = 8000 m². Run `npx tsx survey-import/readers/testdata/make-dazhou-parcels.ts`
 * to rewrite the files; the tests check that the committed bytes equal what this builds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

/** ESRI WKT of EPSG:4545 as written by GDAL (`gdalsrsinfo -o wkt_esri EPSG:4545`). */
export const PRJ_4545 =
  'PROJCS["CGCS2000_3_Degree_GK_CM_108E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",108.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

/** One synthetic parcel: lower-left corner, size in metres, and attributes. */
export interface Parcel {
  x: number;
  y: number;
  w: number;
  h: number;
  zh: Record<string, string | number>;
  pinyin: Record<string, string | number>;
}

/** The three parcels (attributes in Chinese headers and in pinyin DBF headers). */
export const PARCELS: Parcel[] = [
  {
    x: 452000, y: 3453000, w: 200, h: 500 / 3,
    zh: { 地块编号: 'DZ-TC-2024-001', 地块名称: '达州高新区金龙大道东侧地块', '用地面积(亩)': 50, 用地性质: '二类工业用地', 容积率: '1.2-2.5', 建筑系数: '≥40%', '投资强度(万元/亩)': '≥300', 供电: '10000kVA', 供水: '5000吨/日', 天然气: '有', 权属: '达州市国有土地', 联系人: '张明', 联系电话: '0818-2345678', 出让价: '15万元/亩', 状态: '可招商', 县区: '达州市通川区' },
    pinyin: { DKBH: 'DZ-TC-2024-001', DKMC: '达州高新区金龙大道东侧地块', YDMJ_MU: 50, YDXZ: '二类工业用地', RJL: '1.2-2.5', JZXS: '≥40%', TZQD: '≥300', GD: '10000kVA', GS: '5000吨/日', TRQ: '有', QS: '达州市国有土地', LXR: '张明', LXDH: '0818-2345678', JG: '15万元/亩', ZT: '可招商', XZQ: '511702' },
  },
  {
    x: 452600, y: 3453000, w: 300, h: 200,
    zh: { 地块编号: 'DZ-TC-2024-002', 地块名称: '秦巴物流园三期', '用地面积(公顷)': 6, 用地性质: '物流仓储用地', 容积率: '1.0~2.0', 建筑系数: '50%', '投资强度(万元/亩)': 200, 供电: '5000kVA', 供水: '2000吨/日', 天然气: '无', 权属: '达州市国有土地', 联系人: '李华', 联系电话: '13800000000', 出让价: '12万元/亩', 状态: '洽谈中', 县区: '通川区' },
    pinyin: { DKBH: 'DZ-TC-2024-002', DKMC: '秦巴物流园三期', YDMJ_MU: 90, YDXZ: '物流仓储用地', RJL: '1.0~2.0', JZXS: '50%', TZQD: '200', GD: '5000kVA', GS: '2000吨/日', TRQ: '无', QS: '达州市国有土地', LXR: '李华', LXDH: '13800000000', JG: '12万元/亩', ZT: '洽谈中', XZQ: '通川区' },
  },
  {
    x: 451500, y: 3453400, w: 100, h: 80,
    zh: { 地块编号: 'DZ-TC-2024-003', 地块名称: '西外商务区B3地块', '用地面积(亩)': 12, 用地性质: '商务用地', 容积率: '待定', 建筑系数: '', '投资强度(万元/亩)': '', 供电: '', 供水: '', 天然气: '是', 权属: '', 联系人: '王芳', 联系电话: '0818-2345679', 出让价: '', 状态: '已出让', 县区: '宣汉' },
    pinyin: { DKBH: 'DZ-TC-2024-003', DKMC: '西外商务区B3地块', YDMJ_MU: 12, YDXZ: '商务用地', RJL: '待定', JZXS: '', TZQD: '', GD: '', GS: '', TRQ: '是', QS: '', LXR: '王芳', LXDH: '0818-2345679', JG: '', ZT: '已出让', XZQ: '宣汉县' },
  },
];

/** Closed clockwise ring (Shapefile outer-ring order) of a parcel rectangle. */
function ring(p: Parcel): [number, number][] {
  return [[p.x, p.y], [p.x, p.y + p.h], [p.x + p.w, p.y + p.h], [p.x + p.w, p.y], [p.x, p.y]];
}

/** GeoJSON text with Chinese headers and a legacy crs member naming EPSG:4545. */
export function buildGeoJson(): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    name: '达州市通川区招商地块',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4545' } },
    features: PARCELS.map((p) => ({ type: 'Feature', properties: p.zh, geometry: { type: 'Polygon', coordinates: [ring(p).reverse()] } })),
  }, null, 1) + '\n';
}

let gbkTable: Map<string, number[]> | null = null;
/** Encodes text as GBK by inverting Node's GBK TextDecoder (Node has no GBK TextEncoder). */
export function encodeGbk(s: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gbk', { fatal: true });
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        try {
          const ch = dec.decode(new Uint8Array([a, b]));
          if (!gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
        } catch { /* not a GBK pair */ }
      }
    }
  }
  const out: number[] = [];
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`"${ch}" has no GBK encoding`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

/** DBF bytes (dBASE III, GBK text, language driver 0x4D) for the pinyin attributes. */
export function buildDbf(): Uint8Array {
  const names = Object.keys(PARCELS[0]!.pinyin);
  const fields = names.map((n) => {
    const numeric = n === 'YDMJ_MU';
    const width = numeric ? 12 : Math.max(...PARCELS.map((p) => encodeGbk(String(p.pinyin[n])).length), 1);
    return { n, numeric, width };
  });
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((s, f) => s + f.width, 0);
  const buf = new Uint8Array(headerLength + recordLength * PARCELS.length + 1);
  const view = new DataView(buf.buffer);
  buf[0] = 0x03;
  buf.set([124, 1, 1], 1); // last update 2024-01-01
  view.setUint32(4, PARCELS.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  buf[29] = 0x4d; // language driver: code page 936 (GBK)
  fields.forEach((f, i) => {
    const off = 32 + 32 * i;
    buf.set(new TextEncoder().encode(f.n), off);
    buf[off + 11] = (f.numeric ? 'N' : 'C').charCodeAt(0);
    buf[off + 16] = f.width;
    buf[off + 17] = f.numeric ? 2 : 0;
  });
  buf[headerLength - 1] = 0x0d;
  PARCELS.forEach((p, r) => {
    let off = headerLength + r * recordLength;
    buf[off++] = 0x20;
    for (const f of fields) {
      const v = p.pinyin[f.n]!;
      const bytes = f.numeric ? new TextEncoder().encode(Number(v).toFixed(2).padStart(f.width)) : encodeGbk(String(v));
      const cell = new Uint8Array(f.width).fill(0x20);
      cell.set(bytes);
      buf.set(cell, off);
      off += f.width;
    }
  });
  buf[buf.length - 1] = 0x1a;
  return buf;
}

/** .shp and .shx bytes for the parcel polygons (shape type 5). */
export function buildShp(): { shp: Uint8Array; shx: Uint8Array } {
  const records = PARCELS.map((p) => {
    const pts = ring(p);
    const rec = new DataView(new ArrayBuffer(44 + 4 + 16 * pts.length));
    rec.setInt32(0, 5, true);
    rec.setFloat64(4, p.x, true);
    rec.setFloat64(12, p.y, true);
    rec.setFloat64(20, p.x + p.w, true);
    rec.setFloat64(28, p.y + p.h, true);
    rec.setInt32(36, 1, true);
    rec.setInt32(40, pts.length, true);
    rec.setInt32(44, 0, true);
    pts.forEach(([x, y], i) => {
      rec.setFloat64(48 + 16 * i, x, true);
      rec.setFloat64(56 + 16 * i, y, true);
    });
    return new Uint8Array(rec.buffer);
  });
  const header = (lengthBytes: number): Uint8Array => {
    const h = new DataView(new ArrayBuffer(100));
    h.setInt32(0, 9994, false);
    h.setInt32(24, lengthBytes / 2, false);
    h.setInt32(28, 1000, true);
    h.setInt32(32, 5, true);
    h.setFloat64(36, Math.min(...PARCELS.map((p) => p.x)), true);
    h.setFloat64(44, Math.min(...PARCELS.map((p) => p.y)), true);
    h.setFloat64(52, Math.max(...PARCELS.map((p) => p.x + p.w)), true);
    h.setFloat64(60, Math.max(...PARCELS.map((p) => p.y + p.h)), true);
    return new Uint8Array(h.buffer);
  };
  const shpLength = 100 + records.reduce((s, r) => s + 8 + r.length, 0);
  const shp = new Uint8Array(shpLength);
  const shx = new Uint8Array(100 + 8 * records.length);
  shp.set(header(shpLength));
  shx.set(header(shx.length));
  let off = 100;
  records.forEach((r, i) => {
    const rh = new DataView(shp.buffer, off, 8);
    rh.setInt32(0, i + 1, false);
    rh.setInt32(4, r.length / 2, false);
    const xh = new DataView(shx.buffer, 100 + 8 * i, 8);
    xh.setInt32(0, off / 2, false);
    xh.setInt32(4, r.length / 2, false);
    shp.set(r, off + 8);
    off += 8 + r.length;
  });
  return { shp, shx };
}

/** Zip bytes of the Shapefile set, with a fixed timestamp so the output is reproducible. */
export function buildShapefileZip(): Uint8Array {
  const { shp, shx } = buildShp();
  const mtime = new Date('2024-01-01T00:00:00Z');
  const te = new TextEncoder();
  return zipSync({
    'dazhou_parcels_gbk.shp': [shp, { mtime }],
    'dazhou_parcels_gbk.shx': [shx, { mtime }],
    'dazhou_parcels_gbk.dbf': [buildDbf(), { mtime }],
    'dazhou_parcels_gbk.prj': [te.encode(PRJ_4545), { mtime }],
    'dazhou_parcels_gbk.cpg': [te.encode('GBK'), { mtime }],
  });
}

/** Folder of this script (where the built files live). */
export const TESTDATA_DIR = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(TESTDATA_DIR, 'dazhou_parcels_4545.geojson'), buildGeoJson());
  fs.writeFileSync(path.join(TESTDATA_DIR, 'dazhou_parcels_gbk_4545.zip'), buildShapefileZip());
  console.log('wrote dazhou_parcels_4545.geojson and dazhou_parcels_gbk_4545.zip');
}
