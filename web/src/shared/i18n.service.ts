/**
 * Every UI string of the web client, in Chinese (default) and English, plus the current language.
 * The language comes from `?lang=` (remembered for the pages opened next), then localStorage, then
 * zh-CN; `setLang` remembers the choice.
 * Layer titles, attribute labels and enum labels come from the API as `{ zh, en }` and go
 * through `tr`.
 */
import { HEADER_TEXT, roleText } from '../../../ui/page-header.ts';
import type { I18nText } from './api.types.ts';

/** UI languages. */
export type Lang = 'zh' | 'en';

const STRINGS = {
  // The page header's words (navigation, sign-in, roles) live with the header's markup.
  ...HEADER_TEXT,
  appTitle: { zh: '达州市招商载体资源地图', en: 'Dazhou Investment Carrier Map' },
  appTitleShort: { zh: '达州招商载体', en: 'Dazhou Carriers' },
  allCounties: { zh: '全市', en: 'All of Dazhou' },
  countyFilter: { zh: '县（市、区）', en: 'County' },
  available: { zh: '可招商', en: 'Available' },
  summaryLand: { zh: '土地', en: 'Land' },
  summaryFactories: { zh: '厂房', en: 'Factories' },
  summaryOffices: { zh: '楼宇', en: 'Offices' },
  unitParcels: { zh: '宗', en: '' },
  unitBuildings: { zh: '栋', en: '' },
  signInTitle: { zh: '工作人员登录', en: 'Staff sign-in' },
  username: { zh: '用户名', en: 'Username' },
  password: { zh: '密码', en: 'Password' },
  cancel: { zh: '取消', en: 'Cancel' },
  signInFailed: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  signInError: { zh: '登录失败：', en: 'Sign-in failed: ' },
  langToggle: { zh: 'EN', en: '中' },
  mode2d: { zh: '2D', en: '2D' },
  mode3d: { zh: '3D', en: '3D' },
  modeToggleTitle: { zh: '切换二维/三维', en: 'Switch 2D / 3D' },
  legend: { zh: '图例', en: 'Legend' },
  legendToggleTitle: { zh: '显示/隐藏图例', en: 'Show / hide legend' },
  groupAdmin: { zh: '行政区划', en: 'Administrative' },
  groupPark: { zh: '园区', en: 'Parks' },
  groupCarrier: { zh: '载体', en: 'Carriers' },
  groupAmenity: { zh: '配套', en: 'Amenities' },
  zoomInToSee: { zh: '放大至 {z} 级显示', en: 'Visible from zoom {z}' },
  shownAsDots: { zh: '以点显示，放大至 {z} 级显示轮廓', en: 'Shown as dots; outlines from zoom {z}' },
  close: { zh: '关闭', en: 'Close' },
  loading: { zh: '加载中…', en: 'Loading…' },
  loadFailed: { zh: '数据加载失败：', en: 'Failed to load data: ' },
  featureLoadFailed: { zh: '详情加载失败：', en: 'Failed to load details: ' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  mu: { zh: '亩', en: 'mu' },
  hectare: { zh: '公顷', en: 'ha' },
  layer: { zh: '图层', en: 'Layer' },
  draftBadge: { zh: '未发布', en: 'Unpublished' },
  // Upload and review page (web/upload.html).
  uploadTitle: { zh: '调查成果上传与校核', en: 'Survey upload & review' },
  uploadTitleShort: { zh: '上传与校核', en: 'Upload & review' },
  uploadBackToMap: { zh: '返回地图', en: 'Back to map' },
  uploadSignInHint: { zh: '请使用载体资源人员或校核员账号登录。', en: 'Sign in with a carrier-resource staff or reviewer account.' },
  uploadNoAccess: { zh: '当前账号（{role}）无权上传或校核调查成果。', en: 'Your account ({role}) may not upload or review survey data.' },
  uploadNewTitle: { zh: '上传调查成果', en: 'Upload survey data' },
  uploadTargetLayer: { zh: '目标图层', en: 'Target layer' },
  uploadLayerLand: { zh: '土地', en: 'Land' },
  uploadLayerFactories: { zh: '标准厂房', en: 'Standard factories' },
  uploadLayerOffices: { zh: '写字楼', en: 'Offices' },
  uploadLayerAmenities: { zh: '配套设施', en: 'Amenities' },
  uploadLayerPhotos: { zh: '航拍照片', en: 'Aerial photos' },
  uploadLayerPanoramas: { zh: '全景', en: 'Panoramas' },
  uploadLayerTracks: { zh: '轨迹', en: 'Tracks' },
  uploadCrs: { zh: '坐标系', en: 'Coordinate system' },
  uploadCrsAuto: { zh: '自动（按文件识别）', en: 'Auto (from file)' },
  uploadEncoding: { zh: '属性编码', en: 'Attribute encoding' },
  uploadEncodingAuto: { zh: '自动', en: 'Auto' },
  uploadAdvanced: { zh: '字段映射（可选）', en: 'Field mapping (optional)' },
  uploadMappingHint: { zh: 'JSON：{"源字段": "目标字段"}，如 {"DKMC": "name", "MJ": "area_m2"}', en: 'JSON: {"source field": "column"}, e.g. {"DKMC": "name", "MJ": "area_m2"}' },
  uploadMappingInvalid: { zh: '字段映射须为 JSON 对象：', en: 'Field mapping must be a JSON object: ' },
  uploadDropTitle: { zh: '拖放文件或文件夹到此处', en: 'Drop files or a folder here' },
  uploadDropFormats: { zh: 'Shapefile（.zip 或 .shp/.dbf/.prj/.shx）、GeoJSON、KML/KMZ、GPX、CSV、航拍 JPG', en: 'Shapefile (.zip or .shp/.dbf/.prj/.shx), GeoJSON, KML/KMZ, GPX, CSV, drone JPG' },
  uploadChooseFiles: { zh: '选择文件', en: 'Choose files' },
  uploadChooseFolder: { zh: '选择文件夹', en: 'Choose folder' },
  uploadFilesCount: { zh: '{n} 个文件，共 {size}', en: '{n} files, {size} in total' },
  uploadRemoveFile: { zh: '移除', en: 'Remove' },
  uploadClearFiles: { zh: '清空', en: 'Clear' },
  uploadStart: { zh: '上传并校验', en: 'Upload and validate' },
  uploadCancel: { zh: '取消上传', en: 'Cancel upload' },
  uploadProgress: { zh: '正在上传 {percent}%（{loaded} / {total}）', en: 'Uploading {percent}% ({loaded} / {total})' },
  uploadProcessing: { zh: '上传完成，服务器正在解析、转换坐标并校验…', en: 'Uploaded; the server is reading, reprojecting and validating…' },
  uploadNoFiles: { zh: '请先选择要上传的文件', en: 'Choose files to upload first' },
  uploadFailed: { zh: '上传失败：', en: 'Upload failed: ' },
  uploadCancelled: { zh: '上传已取消', en: 'Upload cancelled' },
  uploadDuplicate: { zh: '这些文件已于批次 {id} 导入，未重复导入', en: 'These files were already imported in batch {id}; nothing was imported again' },
  uploadBatches: { zh: '导入批次', en: 'Import batches' },
  uploadRefresh: { zh: '刷新', en: 'Refresh' },
  uploadNoBatches: { zh: '暂无导入批次', en: 'No import batches yet' },
  uploadBatchN: { zh: '批次 {id}', en: 'Batch {id}' },
  uploadBatchFiles: { zh: '{n} 个文件', en: '{n} files' },
  uploadStatusUploaded: { zh: '已上传', en: 'Uploaded' },
  uploadStatusParsed: { zh: '已解析', en: 'Parsed' },
  uploadStatusValidated: { zh: '待入库', en: 'Validated' },
  uploadStatusCommitted: { zh: '已入库', en: 'Committed' },
  uploadStatusFailed: { zh: '失败', en: 'Failed' },
  uploadStatusUndone: { zh: '已撤销', en: 'Undone' },
  uploadPreviewEmpty: { zh: '上传文件或在左侧选择一个批次以预览', en: 'Upload files or pick a batch on the left to preview it' },
  uploadCreatedAt: { zh: '上传于 {time}', en: 'Uploaded {time}' },
  uploadCommittedAt: { zh: '入库于 {time}', en: 'committed {time}' },
  uploadUndoneAt: { zh: '撤销于 {time}', en: 'undone {time}' },
  uploadTotal: { zh: '要素总数', en: 'Items' },
  uploadValid: { zh: '有效', en: 'Valid' },
  uploadWarnings: { zh: '警告', en: 'Warnings' },
  uploadRejected: { zh: '拒绝', en: 'Rejected' },
  uploadUpdates: { zh: '更新已有', en: 'Updates' },
  uploadTotalArea: { zh: '面积合计', en: 'Total area' },
  uploadDetectedCrs: { zh: '识别的坐标系', en: 'Detected coordinate systems' },
  uploadFileIssues: { zh: '文件级问题', en: 'File-level issues' },
  uploadNotImported: { zh: '未导入的文件', en: 'Files not imported' },
  uploadUnmapped: { zh: '未对应的属性字段（不会保存）', en: 'Unmapped attributes (not kept)' },
  uploadUnmappedHint: { zh: '可在“字段对应”中把它们对应到图层字段后重新上传，如 {"DKBH":"code"}。', en: 'Map them to layer columns in the field mapping and upload again, e.g. {"DKBH":"code"}.' },
  uploadUnmappedRows: { zh: '{n} 行', en: '{n} rows' },
  uploadBatchError: { zh: '处理失败：', en: 'Processing failed: ' },
  uploadCommit: { zh: '确认入库', en: 'Commit' },
  uploadCommitConfirm: { zh: '将 {n} 个有效/警告要素入库为草稿（发布前公众不可见）。确定吗？', en: 'Import {n} valid/warning items as drafts (invisible to the public until published)?' },
  uploadCommitRejected: { zh: '有 {rejected} 个要素被拒绝，不会入库；只导入 {n} 个有效或带警告的要素（发布前公众不可见）。确定入库吗？', en: '{rejected} items were rejected and will not be imported; only the {n} valid or warning items will be (as drafts, invisible to the public until published). Commit?' },
  uploadCommitted: { zh: '批次 {id} 已入库：{n} 个要素为草稿，待校核发布', en: 'Batch {id} committed: {n} item(s) saved as drafts awaiting review' },
  uploadUndo: { zh: '撤销入库', en: 'Undo import' },
  uploadUndoConfirm: { zh: '撤销批次 {id}：删除其新增的要素，并恢复被其更新的要素。确定吗？', en: 'Undo batch {id}: delete the features it added and restore the ones it updated?' },
  uploadUndone: { zh: '批次 {id} 已撤销', en: 'Batch {id} undone' },
  uploadActionFailed: { zh: '操作失败：', en: 'Action failed: ' },
  uploadConfirm: { zh: '确定', en: 'Confirm' },
  reviewVerify: { zh: '校核通过', en: 'Verify' },
  reviewPublish: { zh: '发布', en: 'Publish' },
  reviewHint: { zh: '入库的要素为草稿：校核通过后仍不公开，发布后公众可见。', en: 'Committed features are drafts: verified ones stay internal, published ones are public.' },
  reviewVerifyConfirm: { zh: '将批次 {id} 的全部要素标记为“已校核”？', en: 'Mark every feature of batch {id} as verified?' },
  reviewPublishConfirm: { zh: '发布批次 {id} 的全部要素？发布后公众可见。', en: 'Publish every feature of batch {id}? The public will see them.' },
  reviewVerified: { zh: '已校核批次 {id} 的 {n} 个要素', en: 'Verified {n} feature(s) of batch {id}' },
  reviewPublished: { zh: '已发布批次 {id} 的 {n} 个要素', en: 'Published {n} feature(s) of batch {id}' },
  reviewNotCommitted: { zh: '只有已入库的批次可以校核和发布。', en: 'Only committed batches can be verified and published.' },
  itemValid: { zh: '有效', en: 'Valid' },
  itemWarning: { zh: '警告', en: 'Warning' },
  itemRejected: { zh: '拒绝', en: 'Rejected' },
  itemInsert: { zh: '新增', en: 'New' },
  itemUpdate: { zh: '更新', en: 'Update' },
  itemFile: { zh: '文件', en: 'File' },
  itemWhere: { zh: '位置', en: 'Where' },
  itemKind: { zh: '类型', en: 'Kind' },
  itemArea: { zh: '面积', en: 'Area' },
  itemIssues: { zh: '问题', en: 'Issues' },
  itemNoGeometry: { zh: '{n} 个要素无几何，未在地图上显示', en: '{n} item(s) without geometry are not on the map' },
  issuesTitle: { zh: '问题清单', en: 'Issues' },
  issuesAll: { zh: '全部', en: 'All' },
  issuesErrors: { zh: '错误', en: 'Errors' },
  issuesWarnings: { zh: '警告', en: 'Warnings' },
  issuesLevel: { zh: '级别', en: 'Level' },
  issuesLevelFile: { zh: '文件', en: 'File' },
  issuesRow: { zh: '行/要素', en: 'Row / feature' },
  issuesField: { zh: '字段', en: 'Field' },
  issuesValue: { zh: '值', en: 'Value' },
  issuesMessage: { zh: '说明', en: 'Message' },
  issuesNone: { zh: '没有发现问题', en: 'No issues found' },
  issuesNoneFiltered: { zh: '此筛选下没有问题', en: 'No issues match this filter' },
  issuesShown: { zh: '共 {n} 条', en: '{n} shown' },
  issuesSortBy: { zh: '点击排序', en: 'Click to sort' },
  issueError: { zh: '错误', en: 'Error' },
  issueWarning: { zh: '警告', en: 'Warning' },
  itemName: { zh: '名称', en: 'Name' },
  itemDeclaredArea: { zh: '申报面积', en: 'Declared area' },
  // Guided tours (web/tour.html) and the 360° panorama viewer.
  tourPageTitle: { zh: '园区导览', en: 'Park tours' },
  tourListTitle: { zh: '园区导览', en: 'Guided park tours' },
  tourListEmpty: { zh: '暂无导览', en: 'No tours yet' },
  tourStops: { zh: '{n} 站', en: '{n} stops' },
  tourPlay: { zh: '播放', en: 'Play' },
  tourPause: { zh: '暂停', en: 'Pause' },
  tourNext: { zh: '下一站', en: 'Next stop' },
  tourPrev: { zh: '上一站', en: 'Previous stop' },
  tourStopOf: { zh: '第 {i} / {n} 站', en: 'Stop {i} of {n}' },
  tourShare: { zh: '复制本站链接', en: 'Copy link to this stop' },
  tourCopied: { zh: '链接已复制', en: 'Link copied' },
  tourCarriers: { zh: '本站载体', en: 'Sites at this stop' },
  tourMedia: { zh: '照片与全景', en: 'Photos & panoramas' },
  tourBackToMap: { zh: '地图', en: 'Map' },
  tourAllTours: { zh: '全部导览', en: 'All tours' },
  tourNotFound: { zh: '导览不存在或尚未发布', en: 'This tour does not exist or is not published' },
  tourEdit: { zh: '编辑', en: 'Edit' },
  tourDoneEditing: { zh: '完成编辑', en: 'Done' },
  tourNew: { zh: '新建导览', en: 'New tour' },
  tourGenerate: { zh: '生成导览', en: 'Generate a tour' },
  tourGenerateFromPark: { zh: '按园区生成', en: 'From a park' },
  tourGenerateFromCarriers: { zh: '按载体编号生成', en: 'From site ids' },
  tourCarrierIdsPlaceholder: { zh: '载体 ID，逗号分隔', en: 'Site ids, comma-separated' },
  tourEditorTitle: { zh: '编辑导览', en: 'Edit tour' },
  tourCaptureView: { zh: '以当前视图新增一站', en: 'Add the current view as a stop' },
  tourUpdateView: { zh: '改用当前视图', en: 'Use the current view' },
  tourTitleZh: { zh: '导览标题（中文）', en: 'Tour title (Chinese)' },
  tourTitleEn: { zh: '导览标题（英文）', en: 'Tour title (English)' },
  tourStopTitleZh: { zh: '站点标题（中文）', en: 'Stop title (Chinese)' },
  tourStopTitleEn: { zh: '站点标题（英文）', en: 'Stop title (English)' },
  tourStopTextZh: { zh: '说明（中文）', en: 'Text (Chinese)' },
  tourStopTextEn: { zh: '说明（英文）', en: 'Text (English)' },
  tourDwell: { zh: '停留时间（秒）', en: 'Dwell time (s)' },
  tourSave: { zh: '保存', en: 'Save' },
  tourSaved: { zh: '已保存', en: 'Saved' },
  tourDeleteStop: { zh: '删除此站', en: 'Delete stop' },
  tourDeleteTour: { zh: '删除导览', en: 'Delete tour' },
  tourConfirmDelete: { zh: '确定删除？', en: 'Delete it?' },
  tourMoveUp: { zh: '上移', en: 'Move up' },
  tourMoveDown: { zh: '下移', en: 'Move down' },
  tourPreview: { zh: '从此站预览', en: 'Preview from here' },
  tourPublish: { zh: '发布', en: 'Publish' },
  tourUnpublish: { zh: '撤回为草稿', en: 'Back to draft' },
  tourPublishHint: { zh: '修改已发布的导览会使其回到草稿，需校核员重新发布。', en: 'Editing a published tour takes it back to draft until a reviewer publishes it again.' },
  tourPickCarriers: { zh: '点击地图上的载体添加或移除', en: 'Click sites on the map to add or remove them' },
  tourNearbyPanoramas: { zh: '视图内的照片与全景（点击添加/移除）', en: 'Photos and panoramas in view (click to attach / detach)' },
  tourNoPanoramas: { zh: '当前视图内没有照片或全景', en: 'No photos or panoramas in the current view' },
  tourStateDraft: { zh: '草稿', en: 'Draft' },
  tourStateVerified: { zh: '已校核', en: 'Verified' },
  tourStatePublished: { zh: '已发布', en: 'Published' },
  tourInterrupted: { zh: '已暂停：您移动了地图', en: 'Paused: you moved the map' },
  panoTitle: { zh: '360°全景', en: '360° panorama' },
  panoOpen: { zh: '360°全景', en: '360° view' },
  panoClose: { zh: '关闭全景', en: 'Close panorama' },
  panoHint: { zh: '拖动环视，滚轮或双指缩放', en: 'Drag to look around; scroll or pinch to zoom' },
  panoLoadFailed: { zh: '全景加载失败：', en: 'Failed to load the panorama: ' },
  panoDistance: { zh: '{d} 米', en: '{d} m' },
  mapOpenPanorama: { zh: '打开360°全景', en: 'Open the 360° panorama' },
  mapParkTour: { zh: '园区导览', en: 'Park tour' },
} satisfies Record<string, I18nText>;

/** Keys of the UI strings. */
export type StringKey = keyof typeof STRINGS;

const STORAGE_KEY = 'dz-gis.lang';
const listeners = new Set<(lang: Lang) => void>();

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') {
    // A link in a language (the portal's links, a shared URL) sets it for the pages opened from here too.
    try {
      localStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Not persisted; this page still follows the link.
    }
    return fromUrl;
  }
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    // Storage can be disabled (private mode); fall back to Chinese.
  }
  return 'zh';
}

let current: Lang = initialLang();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

/** The current UI language. */
export function getLang(): Lang {
  return current;
}

/** Switch the UI language, remember it, and notify `onLangChange` listeners. */
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the switch still applies to this page.
  }
  for (const fn of listeners) fn(lang);
}

/** Call `fn` after every language switch. Returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A UI string in the current language; `{name}` placeholders are filled from `params`. */
export function t(key: StringKey, params?: Record<string, string | number>): string {
  let s: string = STRINGS[key][current];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A `{ zh, en }` label from the API in the current language (falls back to the other one). */
export function tr(text: I18nText | undefined | null): string {
  if (!text) return '';
  return text[current] || text.zh || text.en || '';
}

/** Label of an account role. */
export function roleLabel(role: string): string {
  return roleText(role, current);
}

/** Number formatting in the current language (grouping, up to `digits` decimals). */
export function formatNumber(n: number, digits = 2): string {
  return n.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits });
}
