/**
 * Errors of OSGB oblique-model imports in the user's language (zh-CN first, English), each naming
 * the file at fault. The HTTP body carries both wordings (`message_zh`, `message_en`), the
 * machine-readable `reason` and the `file`; `message` is the one in the request's language.
 */
import { AppError, type ErrorCode } from '../../core/errors.ts';

/** UI languages. */
export type Lang = 'zh' | 'en';

type Params = Record<string, string | number>;
const fill = (t: string, p: Params) => t.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));

/** Wordings by reason. */
const TEXT = {
  osgconv_missing: {
    zh: '服务器未安装 osgconv（Debian 软件包 openscenegraph），无法读取 OSGB 倾斜摄影模型：请管理员执行 apt-get install openscenegraph',
    en: 'osgconv (Debian package openscenegraph) is not installed on the server, so OSGB oblique models cannot be read: ask the administrator to apt-get install openscenegraph',
  },
  no_metadata: {
    zh: '{file}：没有 metadata.xml（ContextCapture 导出的根目录应有此文件，其 <SRS> 和 <SRSOrigin> 给出模型位置）',
    en: '{file}: no metadata.xml (a ContextCapture export has it at its root; its <SRS> and <SRSOrigin> place the model)',
  },
  no_srs: { zh: '{file}：缺少 <SRS> 坐标系', en: '{file}: <SRS> is missing' },
  unknown_srs: {
    zh: '{file}：未知或不支持的坐标系 <SRS>{value}</SRS>（{why}）。支持 EPSG 投影坐标系（如 CGCS2000 高斯-克吕格 EPSG:4545）加 <SRSOrigin>，或 ENU:纬度,经度',
    en: '{file}: unknown or unsupported coordinate system <SRS>{value}</SRS> ({why}). Use a projected EPSG code (e.g. CGCS2000 Gauss-Krüger EPSG:4545) with <SRSOrigin>, or ENU:lat,lon',
  },
  bad_origin: {
    zh: '{file}：<SRSOrigin>{value}</SRSOrigin> 应为 “x,y,z” 三个数',
    en: '{file}: <SRSOrigin>{value}</SRSOrigin> must be three numbers "x,y,z"',
  },
  no_data: {
    zh: '{file}：没有找到瓦片根文件 Data/Tile_xxx/Tile_xxx.osgb',
    en: '{file}: no tile root files Data/Tile_xxx/Tile_xxx.osgb found',
  },
  missing_level: {
    zh: '{file} 引用的下一级文件 {missing} 不在导出包中（导出不完整）',
    en: '{missing}, the finer level {file} refers to, is not in the export (incomplete export)',
  },
  corrupt_osgb: {
    zh: '{file}：osgconv 无法读取该文件（已损坏或不是 OpenSceneGraph 二进制 OSGB）：{detail}',
    en: '{file}: osgconv cannot read it (corrupt, or not an OpenSceneGraph binary OSGB): {detail}',
  },
  bad_scene: { zh: '{file}：场景无法解析：{detail}', en: '{file}: the scene cannot be read: {detail}' },
  empty_model: { zh: '{file}：所有瓦片都没有三角网', en: '{file}: no tile holds any triangles' },
  too_many_files: { zh: '{file}：OSGB 文件超过 {max} 个', en: '{file}: more than {max} OSGB files' },
} as const;

/** A reason of refusal. */
export type ObliqueReason = keyof typeof TEXT;

/** An oblique import refused for `reason`, worded in `lang`, naming `file`. */
export class ObliqueError extends AppError {
  constructor(readonly reason: ObliqueReason, params: Params & { file: string }, lang: Lang, code: ErrorCode = 'bad_request') {
    const zh = fill(TEXT[reason].zh, params);
    const en = fill(TEXT[reason].en, params);
    super(code, lang === 'en' ? en : zh, { reason, file: params.file, message_zh: zh, message_en: en });
    this.name = 'ObliqueError';
  }
}
