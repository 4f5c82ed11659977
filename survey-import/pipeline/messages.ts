/**
 * Import issues in the user's language (zh-CN first, English) with stable codes.
 *
 * Issues raised by the pipeline carry a `code` and `params` (import.sql, normalize.ts,
 * import.service.ts) and are worded from the templates below. Issues the format readers word in
 * English get their code from the first pattern that matches and a Chinese wording phrase by phrase
 * (row/feature positions, field names and values stay as found). Codes never change with the
 * language, so clients and tests key on them.
 */
import type { ItemIssue } from '../types.ts';

/** UI languages. */
export type Lang = 'zh' | 'en';

/** The language of a request: `lang` parameter (zh, zh-CN, en), else Accept-Language, else zh. */
export function importLang(param: unknown, acceptLanguage: string | undefined): Lang {
  if (typeof param === 'string' && /^(zh|en)\b/i.test(param)) return param.slice(0, 2).toLowerCase() as Lang;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim() ?? '';
  return /^en\b/i.test(first) ? 'en' : 'zh';
}

type Params = Record<string, unknown>;
const fill = (t: string, p: Params) => t.replace(/\{(\w+)\}/g, (_, k: string) => (p[k] === undefined || p[k] === null ? '' : String(p[k])));

/** Message templates of the coded issues: `{name}` is a param. */
const TEMPLATES: Record<string, { zh: string; en: string }> = {
  off_globe: { zh: '重投影后坐标超出 -180..180 / -90..90：请检查坐标系（--crs）', en: 'coordinates outside -180..180 / -90..90 after reprojection: check the CRS (--crs)' },
  no_geometry: { zh: '没有几何图形', en: 'no geometry' },
  wrong_geometry_type: { zh: '几何类型 {type} 不适合该图层（需要 {needs}）', en: 'geometry type {type} does not fit this layer (needs {needs})' },
  geometry_repaired: { zh: '无效几何（{reason}）已用 ST_MakeValid 修复', en: 'invalid geometry ({reason}) repaired with ST_MakeValid' },
  geometry_unrepairable: { zh: '无效几何（{reason}）无法修复', en: 'invalid geometry ({reason}) cannot be repaired' },
  outside_counties: { zh: '位于达州市 7 个县（市、区）之外（仍在服务范围缓冲区内）', en: 'outside the 7 county-level units of Dazhou' },
  outside_service_area: {
    zh: '{feature} 位于服务范围（达州市各县市区 + {bufferKm} 公里）之外 {km} 公里，已拒绝',
    en: '{feature} lies {km} km outside the service area (Dazhou\'s county-level units + {bufferKm} km)',
  },
  outside_service_area_kept: {
    zh: '{feature} 位于服务范围（达州市各县市区 + {bufferKm} 公里）之外 {km} 公里：仅供工作人员查看，不会发布',
    en: '{feature} lies {km} km outside the service area (Dazhou\'s county-level units + {bufferKm} km); kept for staff, never published',
  },
  area_differs: { zh: '申报面积 {declared} m² 与实测面积 {measured} m² 相差 {pct} %', en: 'declared area {declared} m² differs from the measured {measured} m² by {pct} %' },
  duplicate_code: { zh: '本次上传中地块编号重复', en: 'duplicate parcel code within this upload' },
  track_to_polygon: { zh: '闭合的 GPS 轨迹已转为候选地块多边形', en: 'closed GPS track turned into a candidate parcel polygon' },
  amenity_kind_missing: { zh: '缺少配套设施类型列（kind / type / 类型）', en: 'no amenity kind column (kind / type / 类型)' },
  amenity_kind_unknown: { zh: '未知的配套设施类型 {value}；可用：{kinds} 或其中文名称', en: 'unknown amenity kind {value}; use one of {kinds} or their Chinese names' },
  unmapped_fields: {
    zh: '{file}：{count} 个属性字段未对应到图层字段，导入时不会保存：{fields}（可在预览中指定对应关系）',
    en: '{file}: {count} attribute fields match no column of the layer and are not kept: {fields} (map them in the preview)',
  },
  not_imported_photo: { zh: '{file}：照片不属于该图层，未导入；请上传到“照片”或“全景”图层', en: '{file}: not imported: photos go to the photos or panoramas layer' },
  not_imported_telemetry: {
    zh: '{file}：DJI 飞行遥测（.SRT）是 GPS 轨迹，未作为照片导入；请上传到“GPS轨迹”图层',
    en: '{file}: not imported: DJI flight telemetry (.SRT) is a GPS track; upload it to the tracks layer',
  },
  not_imported_sidecar: { zh: '{file}：辅助文件（{ext}），不含要素，未导入', en: '{file}: not imported: a sidecar file ({ext}) with no features' },
  not_imported_unsupported: { zh: '{file}：不支持的文件类型（{ext}），未导入', en: '{file}: not imported: unsupported file type ({ext})' },
  not_imported_vector_in_photos: {
    zh: '{file}：矢量/轨迹文件不属于照片图层，未导入；请选择相应图层上传',
    en: '{file}: not imported: vector and GPS files do not go to a photo layer; upload them to their layer',
  },
};

/**
 * Reader messages (English) → code and Chinese phrases. Checked in order; the first `code` match
 * names the issue, every `zh` replacement applies.
 */
const PHRASES: { re: RegExp; code?: string; zh: string }[] = [
  { re: /no location \(no usable GPS position in EXIF or DJI XMP\); photo kept without a map position/, code: 'photo_no_location', zh: '无位置（EXIF 或 DJI XMP 中没有可用的 GPS 坐标）；照片保留但不在地图上显示' },
  { re: /no location: the photo is kept without a map position/, code: 'photo_no_location', zh: '无位置：照片保留但不在地图上显示' },
  { re: /not a 360° panorama \(no GPano equirectangular XMP and not 2:1\)/, code: 'not_panorama', zh: '不是 360° 全景照片（没有 GPano 等距柱状投影 XMP，宽高比也不是 2:1）' },
  { re: /no ground footprint: /, code: 'no_footprint', zh: '无法计算地面覆盖范围：' },
  { re: /longitude (\S+) is outside -180\.\.180/, code: 'longitude_out_of_range', zh: '经度 $1 超出 -180..180' },
  { re: /latitude (\S+) is outside -90\.\.90/, code: 'latitude_out_of_range', zh: '纬度 $1 超出 -90..90' },
  { re: /ele ("[^"]*"|\S+) is not a number; ignored/, code: 'bad_elevation', zh: '高程 $1 不是数字；已忽略' },
  { re: /(\S+) ("[^"]*"|\S+) is not a number/, code: 'not_a_number', zh: '$1 $2 不是数字' },
  { re: /position (.+) needs at least 2 numbers/, code: 'bad_position', zh: '坐标 $1 至少需要 2 个数字' },
  { re: /ring (\d+) is not closed \(first (.+), last (.+)\); closed it/, code: 'ring_closed', zh: '第 $1 个环未闭合（首点 $2，末点 $3）；已闭合' },
  { re: /ring (\d+) has (\d+) positions; a ring needs at least 4/, code: 'ring_too_short', zh: '第 $1 个环只有 $2 个点；环至少需要 4 个点' },
  { re: /geometry is null/, code: 'no_geometry', zh: '几何为空' },
  { re: /has (\d+) usable points?; a line needs at least 2/, code: 'line_too_short', zh: '只有 $1 个可用点；线至少需要 2 个点' },
  { re: /no \.shp file/, code: 'no_shp', zh: '没有 .shp 文件' },
  { re: /not valid JSON/, code: 'bad_json', zh: '不是有效的 JSON' },
  { re: /not well-formed XML/, code: 'bad_xml', zh: 'XML 格式不正确' },
  { re: /not a readable zip archive/, code: 'bad_zip', zh: '不是可读取的 zip 压缩包' },
  { re: /unsupported file type/, code: 'unsupported_file', zh: '不支持的文件类型' },
  { re: /no (longitude|latitude) column found/, code: 'no_coordinate_column', zh: '未找到经纬度列' },
  { re: /no GPS position found in cue text/, code: 'srt_no_gps', zh: '字幕中没有 GPS 坐标' },
  { re: /no GPS telemetry in any cue/, code: 'srt_no_gps', zh: '所有字幕均无 GPS 遥测数据' },
  { re: /the file is empty \(0 bytes\)/, code: 'empty_file', zh: '文件为空（0 字节）' },
  { re: /no features found/, code: 'no_features', zh: '未找到任何要素' },
  { re: /is not a known text encoding|unknown encoding option/, code: 'bad_encoding', zh: '未知的文字编码' },
  { re: /\bis negative\b/, code: 'negative_value', zh: '为负数' },
  { re: /unit "([^"]*)" is not one of/, code: 'bad_unit', zh: '单位“$1”不在可用单位之中：' },
  { re: /mapping names unknown column "([^"]*)" for field/, code: 'bad_mapping', zh: '字段对应关系指定了不存在的列“$1”，字段' },
  { re: /also maps to (\S+); kept the value of (\S+)/, code: 'field_conflict', zh: '也对应到 $1；保留了 $2 的值' },
  { re: /^row (\d+)/, zh: '第 $1 行' },
  { re: /\brow (\d+)\b/g, zh: '第 $1 行' },
  { re: /\bfeature (\d+)\b/g, zh: '第 $1 个要素' },
  { re: /\brecord (\d+)\b/g, zh: '第 $1 条记录' },
  { re: /\bcue (\d+)\b/g, zh: '第 $1 条字幕' },
  { re: /\bplacemark (\d+)\b/gi, zh: '第 $1 个地标' },
];

/** The stable code of an issue: its own, else the first reader pattern it matches, else `read_issue`. */
export function issueCode(issue: Pick<ItemIssue, 'message'> & { code?: string }): string {
  if (issue.code) return issue.code;
  for (const p of PHRASES) if (p.code && p.re.test(issue.message)) return p.code;
  return 'read_issue';
}

/** `message` worded in `lang`; the code stays. */
export function localizeMessage(message: string, lang: Lang, code?: string, params?: Params): string {
  const t = code ? TEMPLATES[code] : undefined;
  if (t && params) return fill(t[lang], params);
  if (t && !/\{\w+\}/.test(t[lang])) return t[lang];
  if (lang === 'en') return message;
  let out = message;
  for (const p of PHRASES) out = out.replace(p.re, p.zh);
  return out;
}

/** An issue with its code and its message in `lang` (the English original kept in `message_en`). */
export function localizeIssue<T extends { message: string; code?: string; params?: Params }>(issue: T, lang: Lang): T & { code: string; message_en: string } {
  const code = issueCode(issue);
  const en = issue.code && TEMPLATES[issue.code] && issue.params ? fill(TEMPLATES[issue.code].en, issue.params) : issue.message;
  return { ...issue, code, message: localizeMessage(issue.message, lang, issue.code, issue.params), message_en: en };
}

/** A coded issue, worded in English (the stored form; localized when served). */
export function codedIssue(code: keyof typeof TEMPLATES & string, params: Params, rest: Omit<ItemIssue, 'message'>): ItemIssue & { code: string; params: Params } {
  return { ...rest, code, params, message: fill(TEMPLATES[code].en, params) };
}
