/**
 * Orthophoto errors in the user's language (zh-CN first, English), with stable codes.
 *
 * An `ImageryFileError` names the uploaded file and the problem; its `code` never changes with the
 * language, so clients and tests key on it.
 */
import { FileError } from '../../core/errors.ts';
import type { Lang } from '../pipeline/messages.ts';

type Params = Record<string, string | number>;

/** Message templates: `{name}` is a param. */
const TEMPLATES = {
  not_tiff: { zh: '不是 GeoTIFF 文件（文件头不是 TIFF：{detail}）', en: 'not a GeoTIFF (the file does not start with a TIFF header: {detail})' },
  corrupt: { zh: 'TIFF 文件已损坏或不完整：{detail}', en: 'the TIFF file is damaged or incomplete: {detail}' },
  bit_depth: { zh: '不支持的位深度 {bits} 位（{format}）：仅支持 8 位 RGB / RGBA 正射影像', en: 'unsupported bit depth {bits}-bit ({format}): only 8-bit RGB / RGBA orthophotos are supported' },
  bands: { zh: '不支持的波段数 {bands}（颜色模式 {photometric}）：需要 RGB（3 波段）或 RGBA（4 波段）', en: 'unsupported band count {bands} (photometric {photometric}): RGB (3 bands) or RGBA (4 bands) is needed' },
  no_georef: { zh: '没有地理参考（缺少 ModelTiepoint/ModelPixelScale 或 ModelTransformation 标签）', en: 'no georeferencing (no ModelTiepoint/ModelPixelScale or ModelTransformation tag)' },
  no_crs: { zh: '未声明坐标系（GeoKey 中没有 EPSG 代码）：请在“坐标系”中填写，如 EPSG:4545', en: 'no coordinate reference system (no EPSG code in the GeoKeys): give it as crs, e.g. EPSG:4545' },
  unknown_crs: { zh: '未知坐标系 EPSG:{epsg}（PostGIS 的 spatial_ref_sys 中没有）', en: 'unknown CRS EPSG:{epsg} (not in PostGIS spatial_ref_sys)' },
  bad_crs_value: { zh: '坐标系 {value} 无效：请填写 EPSG:<代码>', en: 'CRS {value} is not valid: give EPSG:<code>' },
  off_globe: { zh: '按 EPSG:{epsg} 重投影后影像范围超出地球（{detail}）：请检查坐标系', en: 'the image lies off the globe after reprojection from EPSG:{epsg} ({detail}): check the CRS' },
  too_small: { zh: '影像尺寸 {width}×{height} 无效', en: 'image size {width}×{height} is not valid' },
  bad_date: { zh: '拍摄日期 {value} 无效：请使用 YYYY-MM-DD', en: 'capture date {value} is not valid: use YYYY-MM-DD' },
  read_failed: { zh: '读取影像数据失败：{detail}', en: 'reading the image data failed: {detail}' },
} as const;

/** Codes of orthophoto errors. */
export type ImageryErrorCode = keyof typeof TEMPLATES;

const fill = (t: string, p: Params) => t.replace(/\{(\w+)\}/g, (_, k: string) => (p[k] === undefined ? '' : String(p[k])));

/** The message of `code` in `lang`. */
export function imageryMessage(code: ImageryErrorCode, params: Params, lang: Lang): string {
  return fill(TEMPLATES[code][lang], params);
}

/** A 400 naming the uploaded file and the problem, worded in the caller's language. */
export class ImageryFileError extends FileError {
  constructor(file: string, readonly code2: ImageryErrorCode, readonly params: Params, lang: Lang) {
    super(file, imageryMessage(code2, params, lang), { reason: code2, zh: `${file}：${imageryMessage(code2, params, 'zh')}`, en: `${file}: ${imageryMessage(code2, params, 'en')}` });
    this.name = 'ImageryFileError';
  }
}
