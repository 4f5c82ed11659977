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
 * Messages worded in English (readers, zip reader, limits, pipeline refusals) → code and Chinese
 * phrases. Checked in order; the first `code` match names the issue, every `zh` replacement
 * applies. Every coded entry carries an `example` of the English it words (messages.test.ts checks
 * that each example gets its code and Chinese wording).
 */
const PHRASES: { re: RegExp; code?: string; zh: string; example?: string }[] = [
  { re: /no location \(no usable GPS position in EXIF or DJI XMP\); photo kept without a map position/, code: 'photo_no_location', zh: '无位置（EXIF 或 DJI XMP 中没有可用的 GPS 坐标）；照片保留但不在地图上显示', example: 'no location (no usable GPS position in EXIF or DJI XMP); photo kept without a map position' },
  { re: /no location: the photo is kept without a map position/, code: 'photo_no_location', zh: '无位置：照片保留但不在地图上显示', example: 'no location: the photo is kept without a map position' },
  { re: /not a 360° panorama \(no GPano equirectangular XMP and not 2:1\)/, code: 'not_panorama', zh: '不是 360° 全景照片（没有 GPano 等距柱状投影 XMP，宽高比也不是 2:1）', example: 'not a 360° panorama (no GPano equirectangular XMP and not 2:1)' },
  { re: /no ground footprint: /, code: 'no_footprint', zh: '无法计算地面覆盖范围：', example: 'no ground footprint: ' },
  { re: /longitude (\S+) is outside -180\.\.180/, code: 'longitude_out_of_range', zh: '经度 $1 超出 -180..180', example: 'longitude 1071.5 is outside -180..180' },
  { re: /latitude (\S+) is outside -90\.\.90/, code: 'latitude_out_of_range', zh: '纬度 $1 超出 -90..90', example: 'latitude 95 is outside -90..90' },
  { re: /ele ("[^"]*"|\S+) is not a number; ignored/, code: 'bad_elevation', zh: '高程 $1 不是数字；已忽略', example: 'ele "x" is not a number; ignored' },
  { re: /(\S+) ("[^"]*"|\S+) is not a number/, code: 'not_a_number', zh: '$1 $2 不是数字', example: 'lat "y" is not a number' },
  { re: /position (.+) needs at least 2 numbers/, code: 'bad_position', zh: '坐标 $1 至少需要 2 个数字', example: 'position [1] needs at least 2 numbers' },
  { re: /ring (\d+) is not closed \(first (.+), last (.+)\); closed it/, code: 'ring_closed', zh: '第 $1 个环未闭合（首点 $2，末点 $3）；已闭合', example: 'ring 1 is not closed (first [1,2], last [3,4]); closed it' },
  { re: /ring (\d+) has (\d+) positions; a ring needs at least 4/, code: 'ring_too_short', zh: '第 $1 个环只有 $2 个点；环至少需要 4 个点', example: 'ring 1 has 3 positions; a ring needs at least 4' },
  { re: /geometry is null/, code: 'no_geometry', zh: '几何为空', example: 'geometry is null' },
  { re: /has (\d+) usable points?; a line needs at least 2/, code: 'line_too_short', zh: '只有 $1 个可用点；线至少需要 2 个点', example: 'has 1 usable point; a line needs at least 2' },
  { re: /KMZ holds no \.kml file \(found ([^)]*)\)/, code: 'kmz_without_kml', zh: 'KMZ 中没有 .kml 文件（找到：$1）', example: 'KMZ holds no .kml file (found doc.txt)' },
  { re: /no \.shp file for this layer \(found ([^)]*)\); upload the \.shp, \.shx and \.dbf together/, code: 'no_shp', zh: '该图层没有 .shp 文件（找到：$1）；请把 .shp、.shx 和 .dbf 一起上传', example: 'no .shp file for this layer (found a.dbf); upload the .shp, .shx and .dbf together' },
  { re: /no \.shp file/, code: 'no_shp', zh: '没有 .shp 文件', example: 'no .shp file (found counties.dbf)' },
  { re: /not valid JSON/, code: 'bad_json', zh: '不是有效的 JSON', example: 'not valid JSON (Unexpected token)' },
  { re: /declares the XML entity "([^"]*)" in a DOCTYPE; entity declarations are not accepted \(XXE, entity expansion\)/, code: 'xml_entity', zh: '在 DOCTYPE 中声明了 XML 实体“$1”；出于安全原因不接受实体声明（XXE、实体膨胀）', example: 'declares the XML entity "xxe" in a DOCTYPE; entity declarations are not accepted (XXE, entity expansion)' },
  { re: /not well-formed XML/, code: 'bad_xml', zh: 'XML 格式不正确', example: 'not well-formed XML (unclosed tag)' },
  { re: /XML has no root element/, code: 'bad_xml', zh: 'XML 没有根元素', example: 'XML has no root element' },
  { re: /root element <([^>]*)> is not <kml>/, code: 'bad_xml_root', zh: '根元素 <$1> 不是 <kml>', example: 'root element <html> is not <kml>' },
  { re: /root element <([^>]*)> is neither <gpx> nor <TrainingCenterDatabase>/, code: 'bad_xml_root', zh: '根元素 <$1> 既不是 <gpx> 也不是 <TrainingCenterDatabase>', example: 'root element <html> is neither <gpx> nor <TrainingCenterDatabase>' },
  { re: /not a readable zip archive/, code: 'bad_zip', zh: '不是可读取的 zip 压缩包', example: 'not a readable zip archive (invalid)' },
  { re: /the upload is not a zip archive \(no end-of-central-directory record\)/, code: 'bad_zip', zh: '上传的文件不是 zip 压缩包（没有中央目录结束记录）', example: 'the upload is not a zip archive (no end-of-central-directory record)' },
  { re: /ZIP64 archives are not supported; zip the tileset with a standard zip tool/, code: 'zip64', zh: '不支持 ZIP64 压缩包；请用标准 zip 工具重新压缩', example: 'ZIP64 archives are not supported; zip the tileset with a standard zip tool' },
  { re: /entry "([^"]*)" needs ZIP64, which is not supported/, code: 'zip64', zh: '压缩包条目“$1”需要 ZIP64，不支持', example: 'entry "big.bin" needs ZIP64, which is not supported' },
  { re: /the zip central directory lies outside the file \(truncated upload\?\)/, code: 'bad_zip', zh: 'zip 中央目录位于文件之外（上传不完整？）', example: 'the zip central directory lies outside the file (truncated upload?)' },
  { re: /zip central directory entry (\d+) is corrupt/, code: 'bad_zip', zh: 'zip 中央目录第 $1 个条目已损坏', example: 'zip central directory entry 3 is corrupt' },
  { re: /entry "([^"]*)" has a NUL character in its name/, code: 'zip_bad_entry', zh: '压缩包条目“$1”的名称含有 NUL 字符', example: 'entry "a\\0b" has a NUL character in its name' },
  { re: /entry "([^"]*)" uses backslashes; zip paths use "\/"/, code: 'zip_bad_entry', zh: '压缩包条目“$1”使用了反斜杠；zip 路径应使用“/”', example: 'entry "a\\b.shp" uses backslashes; zip paths use "/"' },
  { re: /entry "([^"]*)" escapes the archive with "\.\." \(zip slip\)/, code: 'zip_slip', zh: '压缩包条目“$1”用“..”跳出了压缩包目录（zip slip），已拒绝', example: 'entry "../evil.shp" escapes the archive with ".." (zip slip)' },
  { re: /entry "([^"]*)" has an empty name/, code: 'zip_bad_entry', zh: '压缩包条目“$1”的名称为空', example: 'entry "/" has an empty name' },
  { re: /entry "([^"]*)" appears twice/, code: 'zip_bad_entry', zh: '压缩包条目“$1”重复出现', example: 'entry "a.shp" appears twice' },
  { re: /entry "([^"]*)" is encrypted/, code: 'zip_encrypted', zh: '压缩包条目“$1”已加密，无法读取', example: 'entry "a.shp" is encrypted' },
  { re: /entry "([^"]*)" uses compression method (\d+); only stored and deflate are supported/, code: 'zip_method', zh: '压缩包条目“$1”使用了压缩方法 $2；只支持 stored 和 deflate', example: 'entry "a.shp" uses compression method 14; only stored and deflate are supported' },
  { re: /entry "([^"]*)" is not valid deflate data: /, code: 'bad_zip', zh: '压缩包条目“$1”不是有效的 deflate 数据：', example: 'entry "a.shp" is not valid deflate data: invalid block type' },
  { re: /the zip has (\d+) entries, more than the limit of (\d+)/, code: 'zip_too_large', zh: '压缩包有 $1 个条目，超过上限 $2 个', example: 'the zip has 20000 entries, more than the limit of 10000' },
  { re: /entry "([^"]*)" inflates to more than the limit of (\d+) bytes/, code: 'zip_too_large', zh: '压缩包条目“$1”解压后超过上限 $2 字节', example: 'entry "a.shp" inflates to more than the limit of 1000 bytes' },
  { re: /the zip inflates to more than the limit of (\d+) bytes \(at entry "([^"]*)"\)/, code: 'zip_too_large', zh: '压缩包解压后超过上限 $1 字节（在条目“$2”处）', example: 'the zip inflates to more than the limit of 1000 bytes (at entry "a.shp")' },
  { re: /entry "([^"]*)" has a compression ratio above (\d+):1 \(zip bomb\?\)/, code: 'zip_bomb', zh: '压缩包条目“$1”的压缩比超过 $2:1（疑似 zip 炸弹），已拒绝', example: 'entry "a.json" has a compression ratio above 200:1 (zip bomb?)' },
  { re: /entry "([^"]*)" is (\d+) bytes, more than the limit of (\d+)/, code: 'zip_too_large', zh: '压缩包条目“$1”有 $2 字节，超过上限 $3 字节', example: 'entry "a.shp" is 5000 bytes, more than the limit of 1000' },
  { re: /(\d+) attributes, more than the limit of (\d+)/, code: 'too_many_attributes', zh: '有 $1 个属性，超过上限 $2 个', example: 'feature 1: 600 attributes, more than the limit of 500' },
  { re: /attribute name (.+) is longer than the limit of (\d+) characters/, code: 'field_name_too_long', zh: '属性名 $1 超过长度上限 $2 个字符', example: 'attribute name "xxxx…" is longer than the limit of 200 characters' },
  { re: /field "([^"]*)" value (.+) is longer than the limit of ([\d,]+) characters/, code: 'value_too_long', zh: '字段“$1”的值 $2 超过长度上限 $3 个字符', example: 'field "note" value "aaaa…" is longer than the limit of 100,000 characters' },
  { re: /field ("[^"]*") value (.+) contains a NUL character \(U\+0000\)/, code: 'nul_character', zh: '字段 $1 的值 $2 含有 NUL 字符（U+0000）', example: 'field "name" value "a\\u0000" contains a NUL character (U+0000)' },
  { re: /field "geometry" has more than ([\d,]+) vertices, the limit per feature/, code: 'too_many_vertices', zh: '字段“geometry”的顶点超过 $1 个（每个要素的上限）', example: 'feature 1: field "geometry" has more than 1,000,000 vertices, the limit per feature' },
  { re: /reading needs more memory than one import may use \((\d+) MB, IMPORT_MEMORY_MB\); split the upload into smaller files/, code: 'import_memory', zh: '读取所需内存超过单次导入的上限（$1 MB，IMPORT_MEMORY_MB）；请把上传拆分为较小的文件', example: 'a.geojson: reading needs more memory than one import may use (768 MB, IMPORT_MEMORY_MB); split the upload into smaller files' },
  { re: /could not be read \(nested too deeply\)/, code: 'nested_too_deeply', zh: '无法读取（嵌套层级过深）', example: 'a.geojson: could not be read (nested too deeply)' },
  { re: /upload exceeds the total limit of (\d+) bytes at file "([^"]*)"/, code: 'upload_too_large', zh: '上传总大小超过上限 $1 字节（在文件“$2”处）', example: 'upload exceeds the total limit of 1000 bytes at file "a.zip"' },
  { re: /file "([^"]*)" exceeds the limit of (\d+) bytes/, code: 'file_too_large', zh: '文件“$1”超过大小上限 $2 字节', example: 'file "a.zip" exceeds the limit of 1000 bytes' },
  { re: /unsupported file type/, code: 'unsupported_file', zh: '不支持的文件类型', example: 'unsupported file type ".docx"' },
  { re: /no (longitude|latitude) column found/, code: 'no_coordinate_column', zh: '未找到经纬度列', example: 'no longitude column found (headers: a, b)' },
  { re: /no GPS position found in cue text/, code: 'srt_no_gps', zh: '字幕中没有 GPS 坐标', example: 'no GPS position found in cue text' },
  { re: /no GPS telemetry in any cue/, code: 'srt_no_gps', zh: '所有字幕均无 GPS 遥测数据', example: 'flight.srt: no GPS telemetry in any cue' },
  { re: /the file is empty \(0 bytes\)/, code: 'empty_file', zh: '文件为空（0 字节）', example: 'a.csv: the file is empty (0 bytes)' },
  { re: /no features found/, code: 'no_features', zh: '未找到任何要素', example: 'a.csv: no features found' },
  { re: /is not a known text encoding|unknown encoding option/, code: 'bad_encoding', zh: '未知的文字编码', example: 'unknown encoding option "latin-9"' },
  { re: /\bis negative\b/, code: 'negative_value', zh: '为负数', example: 'price: -5 is negative' },
  { re: /unit "([^"]*)" is not one of/, code: 'bad_unit', zh: '单位“$1”不在可用单位之中：', example: 'unit "li" is not one of m², 亩, 公顷' },
  { re: /mapping names unknown column "([^"]*)" for field/, code: 'bad_mapping', zh: '字段对应关系指定了不存在的列“$1”，字段', example: 'mapping names unknown column "foo" for field XMMC' },
  { re: /also maps to (\S+); kept the value of (\S+)/, code: 'field_conflict', zh: '也对应到 $1；保留了 $2 的值', example: 'MC also maps to name; kept the value of 名称' },
  // The field mapping of the upload preview (POST /api/imports/{id}/mapping).
  { re: /^mapping: /, code: 'bad_mapping', zh: '字段对应关系：', example: 'mapping: field "XMMC" is not a field of batch 3 (A, B)' },
  { re: /field "([^"]*)" is not a field of batch (\d+) \(([^)]*)\)/g, code: 'bad_mapping', zh: '字段“$1”不是批次 $2 中未对应的字段（可对应：$3）', example: 'field "XMMC" is not a field of batch 3 (A, B)' },
  { re: /field "([^"]*)": the target (.+?) is not an attribute name/g, code: 'bad_mapping', zh: '字段“$1”：对应目标 $2 不是属性名', example: 'field "XMMC": the target 5 is not an attribute name' },
  { re: /field "([^"]*)": "([^"]*)" is not an attribute of layer (\w+); use one of ([^;]*)/g, code: 'bad_mapping', zh: '字段“$1”：“$2”不是图层 $3 的属性；可用：$4', example: 'field "XMMC": "foo" is not an attribute of layer land; use one of code, name' },
  { re: /mapping is empty: name at least one field/, code: 'bad_mapping', zh: '字段对应关系为空：请至少指定一个字段', example: 'mapping is empty: name at least one field' },
  { re: /batch (\d+) imports (\w+); attribute mapping applies to (.+)$/, code: 'mapping_not_applicable', zh: '批次 $1 导入的是 $2 图层；字段对应只适用于 $3', example: 'batch 3 imports photos; attribute mapping applies to land, factories, offices' },
  { re: /: the stored original is missing; upload the files again/, code: 'original_missing', zh: '：存储的原始文件已缺失；请重新上传', example: 'a.csv: the stored original is missing; upload the files again' },
  { re: /batch (\d+) changed meanwhile; reload it/, code: 'batch_conflict', zh: '批次 $1 已被他人修改；请重新加载', example: 'batch 3 changed meanwhile; reload it' },
  { re: /batch (\d+) is (\w+); only a validated batch \(not yet committed\) can be re-mapped/, code: 'batch_conflict', zh: '批次 $1 的状态为 $2；只有已校验、尚未提交的批次可以重新对应字段', example: 'batch 3 is committed; only a validated batch (not yet committed) can be re-mapped' },
  { re: /batch (\d+) is (\w+); only a validated batch can be committed/, code: 'batch_conflict', zh: '批次 $1 的状态为 $2；只有已校验的批次可以提交', example: 'batch 3 is failed; only a validated batch can be committed' },
  { re: /batch (\d+) is (\w+); only a committed batch can be undone/, code: 'batch_conflict', zh: '批次 $1 的状态为 $2；只有已提交的批次可以撤销', example: 'batch 3 is validated; only a committed batch can be undone' },
  { re: /batch (\d+) is (\w+); only committed batches can be reviewed/, code: 'batch_conflict', zh: '批次 $1 的状态为 $2；只有已提交的批次可以校核', example: 'batch 3 is validated; only committed batches can be reviewed' },
  { re: /^row (\d+)/, zh: '第 $1 行' },
  { re: /\brow (\d+)\b/g, zh: '第 $1 行' },
  { re: /\bfeature (\d+)\b/g, zh: '第 $1 个要素' },
  { re: /\brecord (\d+)\b/g, zh: '第 $1 条记录' },
  { re: /\bcue (\d+)\b/g, zh: '第 $1 条字幕' },
  { re: /\bplacemark (\d+)\b/gi, zh: '第 $1 个地标' },
];

/** The message catalog, for its completeness test: the coded templates and the coded English phrases with an example each. */
export function messageCatalog(): { templates: Readonly<Record<string, { zh: string; en: string }>>; phrases: readonly { code?: string; zh: string; example?: string }[] } {
  return { templates: TEMPLATES, phrases: PHRASES };
}

/** The stable code of an issue: its own, else the first reader pattern it matches, else `read_issue`. */
export function issueCode(issue: Pick<ItemIssue, 'message'> & { code?: string }): string {
  if (issue.code) return issue.code;
  // search(), not test(): it ignores the lastIndex of the global patterns.
  for (const p of PHRASES) if (p.code && issue.message.search(p.re) >= 0) return p.code;
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
