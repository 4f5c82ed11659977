/**
 * Browser editing with review. An edit never changes the published row: it writes a draft revision
 * (the feature's complete edited values and geometry) in a changeset; a reviewer publishes the
 * changeset, which applies every revision to its row in one transaction, or rejects it. Every
 * feature carries a version; an edit names the state it started from (ETag `"<row version>-<open
 * draft id>"`) and gets a 409 naming who changed the feature since. History: the trigger of
 * migration 010 records every row change; drafts and rejections are recorded here.
 */
import type { Geometry } from 'geojson';
import { LAYERS, findLayer } from '../../layers/catalog.ts';
import type { LayerDefinition } from '../../layers/definition.ts';
import { AppError, NotFoundError } from '../../core/errors.ts';
import type { SessionUser } from '../auth/roles.ts';
import {
  BULK_MAX, checkAttributes, checkGeometry, columnOf, editableAttributes, msg, nameAttribute, problemsError,
  type FieldProblem, type Lang,
} from './edit-input.ts';
import type { DraftRow, EditRow, EditsRepository, EditsTx, HistoryRow } from './edits.repository.ts';

/** Tables whose rows carry a version and history (migration 010): the layers editable in the browser. */
export const EDITABLE_TABLES = ['carriers', 'amenities', 'parks'] as const;

/** A feature as the editor works on it: the open draft's values if there is one, else the published row's. */
export interface EditableFeature {
  layer: string;
  id: string;
  /** Send back as If-Match to save, delete or restore. */
  etag: string;
  /** Version of the row (0: not published yet). */
  version: number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
  /** The open draft, when there is one. */
  draft: { revisionId: string; changesetId: string; action: string; author: string; at: string } | null;
}

/** What an edit sends: attribute values by name (all or some) and optionally a new geometry. */
export interface EditInput {
  properties: Record<string, unknown>;
  geometry?: unknown;
  note?: string | null;
}

/** A bulk edit: the same attribute values for many features, in one changeset. */
export interface BulkInput {
  ids: string[];
  properties: Record<string, unknown>;
  /** Optional ETags by feature id: features changed since are refused with 409. */
  etags?: Record<string, string>;
  note?: string | null;
}

/** One entry of a feature's history as the API returns it. */
export interface HistoryEntry {
  id: string;
  action: string;
  /** false for drafts and rejections (the published row did not change). */
  applied: boolean;
  version: number | null;
  actor: string | null;
  at: string;
  revisionId: string | null;
  changesetId: string | null;
  batchId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  geometryChanged: boolean;
  beforeGeometry: Geometry | null;
  afterGeometry: Geometry | null;
}

/** A changeset as listed for reviewers. */
export interface ChangesetView {
  id: string;
  state: string;
  note: string | null;
  author: string;
  createdAt: string;
  decider: string | null;
  decidedAt: string | null;
  revisions: {
    id: string; layer: string; featureId: string; action: string; state: string;
    /** Attribute values that differ from the published row: `{name: {before, after}}`. */
    changes: Record<string, { before: unknown; after: unknown }>;
    geometryChanged: boolean;
  }[];
}

const ACTION_LABELS: Record<string, { zh: string; en: string }> = {
  import: { zh: '导入', en: 'import' }, create: { zh: '新建', en: 'create' }, edit: { zh: '编辑', en: 'edit' },
  delete: { zh: '删除', en: 'delete' }, review: { zh: '校核', en: 'review' }, publish: { zh: '发布', en: 'publish' },
  reject: { zh: '退回', en: 'reject' }, undo: { zh: '撤销导入', en: 'undo import' }, restore: { zh: '恢复', en: 'restore' },
};

const TEXT = {
  notEditable: { zh: '图层“{layer}”不能在浏览器中编辑（可编辑：{list}）', en: 'layer "{layer}" cannot be edited in the browser (editable: {list})' },
  ifMatch: { zh: '缺少 If-Match（所编辑版本的 ETag），收到 {got}', en: 'If-Match (the ETag of the version you edited) is required, got {got}' },
  conflict: { zh: '{what} 已被 {who} 于 {at} 修改（{action}），请重新载入后再编辑', en: '{what} was changed by {who} at {at} ({action}); reload it and edit again' },
  conflictPublish: { zh: '{what} 在草稿之后已被 {who} 于 {at} 修改（{action}），该修改集无法发布，请退回', en: '{what} was changed by {who} at {at} ({action}) after this draft was made; the changeset cannot be published — reject it' },
  someone: { zh: '他人', en: 'someone' },
  noCounty: { zh: '所属县市区（county）= {v}：不存在该行政区划代码', en: 'County (county) = {v}: no such adcode' },
  noPark: { zh: '所属园区（park_id）= {v}：不存在该园区', en: 'Park (park_id) = {v}: no such park' },
  codeTaken: { zh: '编号（code）= {v}：已被其他要素使用', en: 'Code (code) = {v}: already used by another feature' },
  geomInvalid: { zh: '几何图形无效：{reason}', en: 'geometry is not valid: {reason}' },
  geomRequired: { zh: '几何图形：新建要素必须绘制图形', en: 'geometry: a new feature needs a drawn geometry' },
  closed: { zh: '修改集 {id} 已{state}，不能再{verb}', en: 'changeset {id} is already {state} and cannot be {verb}' },
  bulkIds: { zh: '参数 ids 应为 1 到 {max} 个要素编号，收到 {got}', en: 'parameter "ids" must list 1 to {max} feature ids, got {got}' },
  bulkNone: { zh: '批量修改至少需要一个字段', en: 'a bulk edit needs at least one field' },
  notExisted: { zh: '历史记录 {hid} 之后 {what} 不存在，无可恢复的内容', en: '{what} did not exist after history entry {hid}; nothing to restore' },
  stateNames: { zh: { published: '发布', rejected: '退回', draft: '待审' }, en: { published: 'published', rejected: 'rejected', draft: 'open' } },
} as const;

const fill = (s: string, p: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));

/** The ETag of a feature's editable state. */
export function etagOf(version: number, draftId: string | null): string {
  return `"${version}-${draftId ?? 0}"`;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const parseGeom = (g: string | null): Geometry | null => (g ? (JSON.parse(g) as Geometry) : null);

/** Editing, review and history of features. */
export class EditsService {
  constructor(
    private readonly repo: EditsRepository,
    /** Called after a changeset is published (e.g. purge tiles now rather than at the next poll). */
    private readonly onPublished: () => unknown = () => undefined,
  ) {}

  /** The editable layer with this id; 404 for an unknown one, 400 for a layer without editing. */
  layer(id: string, lang: Lang): LayerDefinition {
    const layer = findLayer(id);
    if (!layer) throw new NotFoundError('layer', id);
    if (!(EDITABLE_TABLES as readonly string[]).includes(layer.table) || layer.visibility !== 'published-only') {
      const list = LAYERS.filter((l) => (EDITABLE_TABLES as readonly string[]).includes(l.table) && l.visibility === 'published-only').map((l) => l.id).join(', ');
      throw new AppError('bad_request', fill(TEXT.notEditable[lang], { layer: id, list }), { parameter: 'layer', value: id });
    }
    return layer;
  }

  private what(layer: LayerDefinition, id: string, lang: Lang): string {
    return `${layer.title[lang]} ${id}`;
  }

  /** The working copy of a feature (open draft, else published row); 404 when neither exists. */
  async working(layerId: string, id: string, lang: Lang): Promise<EditableFeature> {
    const layer = this.layer(layerId, lang);
    const tx = this.repo.read;
    const [row, draft] = await Promise.all([tx.row(layer, id), tx.openDraft(layer.id, id)]);
    if (!row && !draft) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
    return this.view(layer, id, row, draft);
  }

  private view(layer: LayerDefinition, id: string, row: EditRow | null, draft: DraftRow | null): EditableFeature {
    const cols = { ...(row?.props ?? {}), ...(draft && draft.action !== 'delete' ? draft.vals : {}) };
    const properties: Record<string, unknown> = {};
    for (const a of [nameAttribute(layer), ...layer.attributes]) properties[a.name] = cols[columnOf(a)] ?? null;
    const geometry = draft && draft.action !== 'delete' && draft.geometry ? draft.geometry : row?.geometry ?? null;
    return {
      layer: layer.id, id, etag: etagOf(row?.version ?? 0, draft?.id ?? null), version: row?.version ?? 0,
      properties, geometry: parseGeom(geometry),
      draft: draft ? { revisionId: String(draft.id), changesetId: String(draft.changeset_id), action: draft.action, author: draft.author, at: new Date(draft.created_at).toISOString() } : null,
    };
  }

  /** 409 unless `ifMatch` is the feature's current ETag; names who changed it. */
  private async checkEtag(tx: EditsTx, layer: LayerDefinition, id: string, row: EditRow | null, draft: DraftRow | null, ifMatch: string | undefined, lang: Lang): Promise<void> {
    if (!ifMatch) throw new AppError('bad_request', fill(TEXT.ifMatch[lang], { got: JSON.stringify(ifMatch ?? null) }), { parameter: 'If-Match', value: ifMatch ?? null });
    const current = etagOf(row?.version ?? 0, draft?.id ?? null);
    if (ifMatch.replace(/^W\//, '') === current) return;
    const [, , draftPart] = /^"?(\d+)-(\d+)"?$/.exec(ifMatch.replace(/^W\//, '')) ?? [];
    let who: string | null; let at: Date; let action: string;
    if (draft && draftPart !== String(draft.id)) {
      who = draft.author; at = new Date(draft.created_at); action = draft.action === 'update' ? 'edit' : draft.action;
    } else {
      const last = await tx.lastApplied(layer.id, id);
      who = last?.actor_name ?? null; at = last ? new Date(last.at) : new Date(); action = last?.action ?? 'edit';
    }
    throw new AppError('conflict', fill(TEXT.conflict[lang], {
      what: this.what(layer, id, lang), who: who ?? TEXT.someone[lang], at: at.toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      action: ACTION_LABELS[action]?.[lang] ?? action,
    }), { changedBy: who, changedAt: at.toISOString(), action, etag: current });
  }

  /** Validate complete attribute values and a geometry; database checks (references, codes, validity) included. */
  private async validate(tx: EditsTx, layer: LayerDefinition, id: string, props: Record<string, unknown>, geometry: unknown, lang: Lang): Promise<{ columns: Record<string, unknown>; problems: FieldProblem[] }> {
    const { columns, problems } = checkAttributes(layer, props, lang);
    if (geometry !== undefined) {
      const g = checkGeometry(layer, geometry, lang);
      if (g) problems.push(g);
      else {
        const v = await tx.geometryValidity(JSON.stringify(geometry));
        if (!v.valid) problems.push({ field: 'geometry', value: (geometry as Geometry).type, message: fill(TEXT.geomInvalid[lang], { reason: v.reason }) });
      }
    }
    const county = columns.county_adcode;
    if (typeof county === 'string' && !problems.some((p) => p.field === 'county') && !(await tx.countyExists(county))) {
      problems.push({ field: 'county', value: county, message: fill(TEXT.noCounty[lang], { v: JSON.stringify(county) }) });
    }
    const park = columns.park_id;
    if (typeof park === 'number' && !problems.some((p) => p.field === 'park_id') && !(await tx.parkExists(park))) {
      problems.push({ field: 'park_id', value: park, message: fill(TEXT.noPark[lang], { v: park }) });
    }
    const code = columns.code;
    if (typeof code === 'string' && !problems.some((p) => p.field === 'code')) {
      const sameTable = LAYERS.filter((l) => l.table === layer.table).map((l) => l.id);
      if (await tx.codeTaken(layer, sameTable, code, id)) problems.push({ field: 'code', value: code, message: fill(TEXT.codeTaken[lang], { v: JSON.stringify(code) }) });
    }
    return { columns, problems };
  }

  /** Write a draft revision for one feature inside `tx` (superseding its open draft) and its history entry. */
  private async writeDraft(tx: EditsTx, o: {
    layer: LayerDefinition; id: string; row: EditRow | null; draft: DraftRow | null; changesetId: string; user: SessionUser;
    action: 'create' | 'update' | 'delete'; columns: Record<string, unknown>; geometry: string | null; restoredFrom?: string;
  }): Promise<void> {
    const before = this.view(o.layer, o.id, o.row, o.draft);
    if (o.draft) await tx.supersede(o.draft.id, o.draft.changeset_id);
    const revisionId = await tx.insertRevision({
      changesetId: o.changesetId, layer: o.layer.id, featureId: o.id, action: o.action, baseVersion: o.row?.version ?? null,
      vals: o.columns, geometry: o.geometry, restoredFrom: o.restoredFrom ?? null, userId: o.user.id,
    });
    // History keeps the changed values by column, like the trigger's entries.
    const b: Record<string, unknown> = {}; const a: Record<string, unknown> = {};
    for (const attr of editableAttributes(o.layer)) {
      const col = columnOf(attr);
      const was = before.properties[attr.name] ?? null; const now = o.action === 'delete' ? null : o.columns[col] ?? null;
      if (JSON.stringify(was) !== JSON.stringify(now)) { b[col] = was; a[col] = now; }
    }
    const beforeGeom = before.geometry ? JSON.stringify(before.geometry) : null;
    const geometry = o.geometry === null ? null : JSON.stringify(JSON.parse(o.geometry));
    const geomChanged = o.action === 'delete' || (geometry !== null && geometry !== beforeGeom);
    await tx.insertHistory({
      layer: o.layer.id, featureId: o.id, userId: o.user.id, revisionId, changesetId: o.changesetId,
      action: o.restoredFrom ? 'restore' : o.action === 'update' ? 'edit' : o.action,
      before: Object.keys(b).length ? b : null, after: Object.keys(a).length ? a : null,
      beforeGeom: geomChanged ? beforeGeom : null, afterGeom: geomChanged ? geometry : null,
    });
  }

  /** Save an edit of an existing feature as a draft. */
  async save(layerId: string, id: string, input: EditInput, ifMatch: string | undefined, user: SessionUser, lang: Lang): Promise<EditableFeature> {
    const layer = this.layer(layerId, lang);
    await this.repo.transaction(async (tx) => {
      const row = await tx.row(layer, id, true);
      const draft = await tx.openDraft(layer.id, id);
      if (!row && !draft) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
      await this.checkEtag(tx, layer, id, row, draft, ifMatch, lang);
      const current = this.view(layer, id, row, draft);
      const props = { ...current.properties, ...input.properties };
      const { columns, problems } = await this.validate(tx, layer, id, props, input.geometry ?? undefined, lang);
      if (problems.length) throw problemsError(problems, this.what(layer, id, lang), lang);
      const changesetId = await tx.insertChangeset(input.note ?? null, user.id);
      // Unchanged geometry is not copied (the row keeps its exact coordinates); a superseded draft's is carried over.
      const geometry = input.geometry ? JSON.stringify(input.geometry) : draft?.geometry ?? null;
      await this.writeDraft(tx, { layer, id, row, draft, changesetId, user, action: row ? 'update' : 'create', columns, geometry });
    });
    return this.working(layerId, id, lang);
  }

  /** Draw a new feature: a draft with an id reserved from the layer table's sequence. */
  async create(layerId: string, input: EditInput, user: SessionUser, lang: Lang): Promise<EditableFeature> {
    const layer = this.layer(layerId, lang);
    const id = await this.repo.transaction(async (tx) => {
      const newId = await tx.reserveId(layer);
      const props: Record<string, unknown> = { ...input.properties };
      if (layer.attributes.some((a) => a.name === 'status') && props.status === undefined) props.status = 'available';
      const { columns, problems } = await this.validate(tx, layer, newId, props, input.geometry ?? null, lang);
      if (input.geometry === undefined || input.geometry === null) {
        problems.push({ field: 'geometry', value: null, message: TEXT.geomRequired[lang] });
      }
      if (problems.length) throw problemsError(problems, layer.title[lang], lang);
      const changesetId = await tx.insertChangeset(input.note ?? null, user.id);
      await this.writeDraft(tx, { layer, id: newId, row: null, draft: null, changesetId, user, action: 'create', columns, geometry: JSON.stringify(input.geometry) });
      return newId;
    });
    return this.working(layerId, id, lang);
  }

  /** Propose deleting a feature (published, it is removed and kept in history as a tombstone). */
  async remove(layerId: string, id: string, ifMatch: string | undefined, note: string | null, user: SessionUser, lang: Lang): Promise<EditableFeature> {
    const layer = this.layer(layerId, lang);
    await this.repo.transaction(async (tx) => {
      const row = await tx.row(layer, id, true);
      const draft = await tx.openDraft(layer.id, id);
      if (!row && !draft) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
      await this.checkEtag(tx, layer, id, row, draft, ifMatch, lang);
      const changesetId = await tx.insertChangeset(note, user.id);
      const current = this.view(layer, id, row, draft);
      const columns = Object.fromEntries(editableAttributes(layer).map((a) => [columnOf(a), current.properties[a.name] ?? null]));
      if (!row) {
        // A drawn feature never published: withdrawing its draft is the whole deletion.
        await this.writeDraft(tx, { layer, id, row, draft, changesetId, user, action: 'delete', columns, geometry: null });
        const cs = await tx.openDraft(layer.id, id);
        if (cs) { await tx.setRevisionState(cs.id, 'rejected'); await tx.decideChangeset(cs.changeset_id, 'rejected', user.id); }
        return;
      }
      await this.writeDraft(tx, { layer, id, row, draft, changesetId, user, action: 'delete', columns, geometry: null });
    });
    const tx = this.repo.read;
    const [row, draft] = await Promise.all([tx.row(layer, id), tx.openDraft(layer.id, id)]);
    return this.view(layer, id, row, draft);
  }

  /** Apply the same attribute values to many features as one changeset. */
  async bulk(layerId: string, input: BulkInput, user: SessionUser, lang: Lang): Promise<{ changesetId: string; count: number }> {
    const layer = this.layer(layerId, lang);
    const ids = [...new Set(input.ids)];
    if (ids.length === 0 || ids.length > BULK_MAX) {
      throw new AppError('bad_request', fill(TEXT.bulkIds[lang], { max: BULK_MAX, got: JSON.stringify(input.ids).slice(0, 80) }), { parameter: 'ids', value: input.ids.length });
    }
    if (Object.keys(input.properties).length === 0) throw new AppError('bad_request', TEXT.bulkNone[lang], { parameter: 'properties', value: {} });
    const changesetId = await this.repo.transaction(async (tx) => {
      const cs = await tx.insertChangeset(input.note ?? null, user.id);
      const problems: FieldProblem[] = [];
      for (const id of ids) {
        const row = await tx.row(layer, id, true);
        const draft = await tx.openDraft(layer.id, id);
        if (!row && !draft) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
        if (input.etags?.[id] !== undefined) await this.checkEtag(tx, layer, id, row, draft, input.etags[id], lang);
        const current = this.view(layer, id, row, draft);
        const { columns, problems: p } = await this.validate(tx, layer, id, { ...current.properties, ...input.properties }, undefined, lang);
        if (p.length) {
          problems.push(...p.map((x) => ({ ...x, message: `${this.what(layer, id, lang)}: ${x.message}` })));
          continue;
        }
        const geometry = draft?.geometry ?? null;
        await this.writeDraft(tx, { layer, id, row, draft, changesetId: cs, user, action: row ? 'update' : 'create', columns, geometry });
      }
      if (problems.length) throw problemsError(problems.slice(0, 20), layer.title[lang], lang);
      return cs;
    });
    return { changesetId, count: ids.length };
  }

  /** Publish a changeset: apply every revision to its row in one transaction. */
  async publish(changesetId: string, user: SessionUser, lang: Lang): Promise<ChangesetView> {
    await this.repo.transaction(async (tx) => {
      await this.openChangeset(tx, changesetId, lang, TEXT.stateNames[lang].published);
      for (const r of await tx.changesetRevisions(changesetId)) {
        const layer = this.layer(r.layer, lang);
        await tx.setContext({ actorId: user.id, action: r.action === 'delete' ? 'delete' : 'publish', revisionId: r.id, changesetId });
        let ok = true;
        if (r.action === 'create') await tx.applyInsert(layer, r.id);
        else if (r.action === 'update') ok = (await tx.applyUpdate(layer, r.id)) !== null;
        else ok = await tx.applyDelete(layer, r.id);
        if (!ok) {
          const last = await tx.lastApplied(layer.id, r.feature_id);
          throw new AppError('conflict', fill(TEXT.conflictPublish[lang], {
            what: this.what(layer, r.feature_id, lang), who: last?.actor_name ?? TEXT.someone[lang],
            at: last ? new Date(last.at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '?',
            action: ACTION_LABELS[last?.action ?? 'edit']?.[lang] ?? '',
          }), { changedBy: last?.actor_name ?? null, feature: r.feature_id, layer: layer.id });
        }
        await tx.setRevisionState(r.id, 'published');
      }
      await tx.decideChangeset(changesetId, 'published', user.id);
    });
    await this.onPublished();
    return (await this.changesets(null, 200)).find((c) => c.id === changesetId)!;
  }

  /** Reject a changeset: its drafts are closed, the published rows stay as they are. */
  async reject(changesetId: string, user: SessionUser, lang: Lang): Promise<ChangesetView> {
    await this.repo.transaction(async (tx) => {
      await this.openChangeset(tx, changesetId, lang, TEXT.stateNames[lang].rejected);
      for (const r of await tx.changesetRevisions(changesetId)) {
        await tx.setRevisionState(r.id, 'rejected');
        await tx.insertHistory({
          layer: r.layer, featureId: r.feature_id, action: 'reject', userId: user.id, revisionId: r.id, changesetId,
          before: null, after: null, beforeGeom: null, afterGeom: null,
        });
      }
      await tx.decideChangeset(changesetId, 'rejected', user.id);
    });
    return (await this.changesets(null, 200)).find((c) => c.id === changesetId)!;
  }

  private async openChangeset(tx: EditsTx, id: string, lang: Lang, verb: string): Promise<void> {
    const cs = await tx.lockChangeset(id);
    if (!cs) throw new NotFoundError('changeset', id);
    if (cs.state !== 'draft') {
      const state = TEXT.stateNames[lang][cs.state as 'published'];
      throw new AppError('conflict', fill(TEXT.closed[lang], { id, state, verb }), { state: cs.state });
    }
  }

  /** Changesets (newest first) with each revision's changes against the published row. */
  async changesets(state: 'draft' | 'published' | 'rejected' | null, limit: number): Promise<ChangesetView[]> {
    const tx = this.repo.read;
    const rows = await tx.listChangesets(state, limit);
    return Promise.all(rows.map(async (c) => ({
      id: String(c.id), state: c.state, note: c.note, author: c.author, createdAt: new Date(c.created_at).toISOString(),
      decider: c.decider, decidedAt: c.decided_at ? new Date(c.decided_at).toISOString() : null,
      revisions: await Promise.all(c.revisions.map(async (r) => {
        const layer = findLayer(r.layer);
        const row = layer && r.state === 'draft' ? await tx.row(layer, r.featureId) : null;
        const changes: Record<string, { before: unknown; after: unknown }> = {};
        if (layer) {
          for (const a of editableAttributes(layer)) {
            const before = row?.props[columnOf(a)] ?? null; const after = r.action === 'delete' ? null : r.vals[columnOf(a)] ?? null;
            if (JSON.stringify(before) !== JSON.stringify(after) && (r.state === 'draft' || after !== null)) changes[a.name] = { before, after };
          }
        }
        const geometryChanged = r.action !== 'update' || (r.geometry !== null && (!row || JSON.stringify(r.geometry) !== JSON.stringify(JSON.parse(row.geometry))));
        return { id: String(r.id), layer: r.layer, featureId: r.featureId, action: r.action, state: r.state, changes, geometryChanged };
      })),
    })));
  }

  /** A feature's history, newest first, values by attribute name. */
  async history(layerId: string, id: string, lang: Lang, limit = 500): Promise<HistoryEntry[]> {
    const layer = this.layer(layerId, lang);
    return (await this.repo.read.history(layer.id, id, limit)).map((h) => this.historyEntry(layer, h));
  }

  private historyEntry(layer: LayerDefinition, h: HistoryRow): HistoryEntry {
    const byName = (v: Record<string, unknown> | null) => {
      if (!v) return null;
      const out: Record<string, unknown> = {};
      for (const a of [nameAttribute(layer), ...layer.attributes]) if (Object.hasOwn(v, columnOf(a))) out[a.name] = v[columnOf(a)];
      return Object.keys(out).length ? out : null;
    };
    return {
      id: String(h.id), action: h.action, applied: h.applied, version: h.version, actor: h.actor_name, at: new Date(h.at).toISOString(),
      revisionId: str(h.revision_id), changesetId: str(h.changeset_id), batchId: str(h.batch_id),
      before: byName(h.before), after: byName(h.after),
      geometryChanged: h.before_geom !== null || h.after_geom !== null,
      beforeGeometry: parseGeom(h.before_geom), afterGeometry: parseGeom(h.after_geom),
    };
  }

  /**
   * Restore the feature as it was right after history entry `historyId`, as a new draft: the state
   * is rebuilt from the current row (or the tombstone of its deletion) by undoing every later change.
   */
  async restore(layerId: string, id: string, historyId: string, ifMatch: string | undefined, user: SessionUser, lang: Lang): Promise<EditableFeature> {
    const layer = this.layer(layerId, lang);
    await this.repo.transaction(async (tx) => {
      const row = await tx.row(layer, id, true);
      const draft = await tx.openDraft(layer.id, id);
      await this.checkEtag(tx, layer, id, row, draft, ifMatch, lang);
      const entries = await tx.history(layer.id, id, 100_000);
      if (!entries.some((e) => String(e.id) === historyId)) throw new NotFoundError(`history entry of ${layer.id} ${id}`, historyId);
      let state: { vals: Record<string, unknown>; geom: string | null } | null = row ? { vals: { ...row.props }, geom: row.geometry } : null;
      for (const e of entries) {
        if (BigInt(e.id) <= BigInt(historyId)) break;
        if (!e.applied) continue;
        if (e.action === 'delete' || (e.before && !e.after && e.before_geom)) state = { vals: { ...(e.before ?? {}) }, geom: e.before_geom };
        else if (!e.before && e.after) state = null; // an insert: before it, the feature did not exist
        else if (state) {
          Object.assign(state.vals, e.before ?? {});
          if (e.before_geom) state.geom = e.before_geom;
        }
      }
      if (!state || !state.geom) throw new AppError('bad_request', fill(TEXT.notExisted[lang], { what: this.what(layer, id, lang), hid: historyId }), { parameter: 'history', value: historyId });
      const props: Record<string, unknown> = {};
      for (const a of editableAttributes(layer)) props[a.name] = state.vals[columnOf(a)] ?? null;
      const geometry = JSON.parse(state.geom) as Geometry;
      const { columns, problems } = await this.validate(tx, layer, id, props, geometry, lang);
      if (problems.length) throw problemsError(problems, this.what(layer, id, lang), lang);
      const changesetId = await tx.insertChangeset(null, user.id);
      const same = row && JSON.stringify(JSON.parse(row.geometry)) === JSON.stringify(geometry);
      await this.writeDraft(tx, { layer, id, row, draft, changesetId, user, action: row ? 'update' : 'create', columns, geometry: same ? null : state.geom, restoredFrom: historyId });
    });
    return this.working(layerId, id, lang);
  }
}

/** Message text of `msg` keys, for routes that validate their own parameters. */
export { msg };
