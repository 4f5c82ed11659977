/** /api/imports: survey uploads (staff), preview, commit, undo and review (reviewer). */
import type { Request } from 'express';
import { AppError, BadParameterError } from '../../core/errors.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { type ImportOptions, type ImportService } from '../../survey-import/pipeline/import.service.ts';
import type { SourceCrs } from '../../survey-import/types.ts';
import { readMultipart, type UploadLimits } from './multipart.ts';
import { parseIntParam } from '../features/features.service.ts';
import { parseCrs } from '../../survey-import/crs/crs-option.ts';
import { importLang, issueCode, localizeIssue, localizeMessage, type Lang } from '../../survey-import/pipeline/messages.ts';
import type { BatchView } from '../../survey-import/pipeline/import.service.ts';
import type { ItemIssue } from '../../survey-import/types.ts';

/** The caller's language: `lang` (query or form field), else Accept-Language, else zh. */
const langOf = (req: Request, fields: Record<string, string> = {}): Lang => importLang(fields.lang ?? req.query.lang, req.get('accept-language'));

/** A batch with its file-level issues, files not imported and error in the caller's language. */
function localBatch(b: BatchView, lang: Lang): BatchView {
  const summary = { ...b.summary };
  if (Array.isArray(summary.fileIssues)) summary.fileIssues = (summary.fileIssues as ItemIssue[]).map((i) => localizeIssue(i, lang));
  if (Array.isArray(summary.notImported)) {
    summary.notImported = (summary.notImported as { file: string; code: string; reason: string }[])
      .map((n) => ({ ...n, reason: localizeMessage(n.reason, lang, n.code, { file: n.file, ext: `.${/\.([^.]+)$/.exec(n.file)?.[1] ?? ''}` }) }));
  }
  return { ...b, summary, error: b.error === null ? null : localizeMessage(b.error, lang) };
}

/** A refused request (4xx) worded in the caller's language, with the stable code of its reason. */
async function localized<T>(lang: Lang, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      throw new AppError(err.code, localizeMessage(err.message, lang), { ...err.details, reason: issueCode({ message: err.message }), message_en: err.message });
    }
    throw err;
  }
}

function batchId(req: Request): number {
  const raw = String(req.params.id);
  if (!/^\d{1,12}$/.test(raw)) throw new BadParameterError('id', raw, 'must be a batch number');
  return Number(raw);
}

function crsOption(raw: string | undefined): SourceCrs | undefined {
  return parseCrs(raw);
}

function options(fields: Record<string, string>, query: Record<string, unknown>): ImportOptions {
  const get = (k: string) => (fields[k] ?? (typeof query[k] === 'string' ? (query[k] as string) : undefined)) || undefined;
  let mapping: Record<string, string> | undefined;
  const rawMapping = get('mapping');
  if (rawMapping) {
    try {
      mapping = JSON.parse(rawMapping);
    } catch {
      throw new BadParameterError('mapping', rawMapping, 'must be a JSON object {"sourceField": "column"}');
    }
    if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping)) throw new BadParameterError('mapping', rawMapping, 'must be a JSON object');
  }
  const encoding = get('encoding');
  if (encoding) {
    try {
      new TextDecoder(encoding);
    } catch {
      throw new BadParameterError('encoding', encoding, 'is not a known text encoding');
    }
  }
  return { crs: crsOption(get('crs')), encoding, mapping };
}

/** Body of `POST /api/imports/{id}/mapping`. */
const MAPPING_BODY = s.object({
  mapping: s.record(s.string({ maxLength: 100 }), {
    description: 'source field → layer attribute (see GET …/mapping for the attributes); "" or "ignore" leaves a field out',
  }),
  lang: s.enum(['zh', 'en', 'zh-CN'] as const, { description: 'language of the messages' }),
}, { required: ['mapping'] });

/** Import routes. */
export function importRoutes(imports: ImportService, limits: UploadLimits): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/imports', access: ['staff'], tag: 'imports',
      multipart: true,
      summary: 'Upload survey files (multipart field "file", repeatable; fields layer, crs, encoding, mapping) → a validated batch with a preview',
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        // Over a size limit (413) the form's lang field is not read yet: ?lang= or Accept-Language words it.
        const { files, fields } = await localized(langOf(req), readMultipart(req, limits));
        const layer = fields.layer ?? req.query.layer;
        const lang = langOf(req, fields);
        const batch = await localized(lang, imports.upload(layer, files, options(fields, req.query as Record<string, unknown>), viewer.user?.id ?? null));
        res.status(batch.duplicateOf ? 200 : 201).json({ batch: localBatch(batch, lang) });
      },
    },
    {
      method: 'get', path: '/api/imports', access: ['staff', 'reviewer'], tag: 'imports',
      summary: 'Recent import batches',
      async handler(req, res) {
        const limit = parseIntParam('limit', req.query.limit, 50, 1, 500);
        res.json({ batches: await imports.list(limit) });
      },
    },
    {
      method: 'get', path: '/api/imports/:id', access: ['staff', 'reviewer'], tag: 'imports',
      summary: 'One batch with its summary',
      async handler(req, res) {
        res.json({ batch: localBatch(await imports.get(batchId(req)), langOf(req)) });
      },
    },
    {
      method: 'get', path: '/api/imports/:id/items', access: ['staff', 'reviewer'], tag: 'imports',
      summary: 'Preview: the batch items as GeoJSON with status, issues and mapped values',
      response: { status: 200, type: 'application/geo+json' },
      async handler(req, res) {
        const limit = parseIntParam('limit', req.query.limit, 1000, 1, 10000);
        const offset = parseIntParam('offset', req.query.offset, 0, 0, 1e9);
        const items = await imports.items(batchId(req), limit, offset);
        const lang = langOf(req);
        res.type('application/geo+json').send(JSON.stringify({
          type: 'FeatureCollection',
          features: items.map((i: Record<string, unknown>) => ({
            type: 'Feature', id: i.idx, geometry: i.geometry ? JSON.parse(i.geometry as string) : null,
            properties: { file: i.file, index: i.file_index, where: i.location, kind: i.kind, status: i.status, action: i.action,
              issues: (i.issues as ItemIssue[]).map((x) => localizeIssue(x, lang)), area_m2: i.area_m2, ...(i.mapped as object) },
          })),
        }));
      },
    },
    {
      method: 'get', path: '/api/imports/:id/issues', access: ['staff', 'reviewer'], tag: 'imports',
      summary: 'Every problem found, each naming file, row/feature, field and value',
      async handler(req, res) {
        const lang = langOf(req);
        res.json({ issues: (await imports.issues(batchId(req))).map((i) => localizeIssue(i, lang)) });
      },
    },
    {
      method: 'get', path: '/api/imports/:id/mapping', access: ['staff', 'reviewer'], tag: 'imports',
      summary: 'The field mapping of a batch: the mapping in force, the source fields that match no attribute (per file, with row counts) and the layer attributes they can be mapped to (zh/en labels, units)',
      async handler(req, res) {
        res.json(await imports.mapping(batchId(req)));
      },
    },
    route({
      method: 'post', path: '/api/imports/:id/mapping', access: ['staff'], tag: 'imports',
      summary: 'Map source fields of a validated batch onto layer attributes ({mapping: {field: attribute}}): the batch is staged again from its stored originals with the merged mapping, its values converted and validated (issues name file, row, field and value); 400 names each field and value that cannot be mapped, 409 when the batch is not validated',
      body: MAPPING_BODY,
      async handler(req, res, _viewer, { body }) {
        const lang = importLang(body.lang ?? req.query.lang, req.get('accept-language'));
        res.json({ batch: localBatch(await localized(lang, imports.remap(batchId(req), body.mapping)), lang) });
      },
    }),
    {
      method: 'delete', path: '/api/imports/:id', access: ['staff'], tag: 'imports',
      summary: 'Delete a failed or uncommitted (validated) batch with its staged items and stored originals (409 for others)',
      async handler(req, res) {
        res.json(await imports.remove(batchId(req)));
      },
    },
    {
      method: 'post', path: '/api/imports/:id/commit', access: ['staff'], tag: 'imports',
      summary: 'Commit a validated batch in one transaction (its features become drafts)',
      async handler(req, res) {
        res.json({ batch: localBatch(await localized(langOf(req), imports.commit(batchId(req))), langOf(req)) });
      },
    },
    {
      method: 'post', path: '/api/imports/:id/undo', access: ['staff'], tag: 'imports',
      summary: 'Undo a committed batch: removes exactly its features and restores rows it updated',
      async handler(req, res) {
        res.json({ batch: localBatch(await localized(langOf(req), imports.undo(batchId(req))), langOf(req)) });
      },
    },
    route({
      method: 'post', path: '/api/imports/:id/review', access: ['reviewer'], tag: 'imports',
      summary: 'Reviewer (校核): set {state: "verified"|"published"} on every feature of a committed batch, or with {codes} on its carriers and amenities with those codes only',
      body: s.object({
        state: s.enum(['verified', 'published']),
        codes: s.array(s.string({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100_000, description: 'review only the features with these codes' }),
      }, { required: ['state'] }),
      async handler(req, res, _viewer, { body }) {
        res.json(await imports.review(batchId(req), body.state, body.codes));
      },
    }),
  ];
}
