/**
 * Orthophotos over HTTP: /api/imagery (upload: staff; review: reviewer; read: anyone, drafts only
 * for staff) and /tiles/imagery/{id}/{z}/{x}/{y}.webp (WebP tiles; JPEG with ?format=jpeg or when
 * the client does not accept WebP), its TileJSON at /tiles/imagery/{id}.json.
 */
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { PassThrough } from 'node:stream';
import { AppError, BadParameterError } from '../../core/errors.ts';
import type { AssetStore, StoredAsset } from '../../assets/storage.ts';
import { importLang, type Lang } from '../../survey-import/pipeline/messages.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { publicBaseUrl } from '../http/security.ts';
import type { Config } from '../../core/config.ts';
import type { ImageryService, TileFormat, UploadFields } from './imagery.service.ts';

function intParam(req: Request, name: string, max: number): number {
  const raw = String(req.params[name]);
  if (!/^\d{1,12}$/.test(raw) || Number(raw) > max) throw new BadParameterError(name, raw, `must be an integer within 0..${max}`);
  return Number(raw);
}

const langOf = (req: Request, fields: Record<string, string> = {}): Lang => importLang(fields.lang ?? req.query.lang, req.get('accept-language'));

/** The upload's text fields, checked. */
function uploadFields(fields: Record<string, string>): UploadFields {
  const out: UploadFields = {};
  if (fields.name?.trim()) out.name = fields.name.trim().slice(0, 200);
  if (fields.parkId?.trim()) {
    if (!/^\d{1,12}$/.test(fields.parkId.trim())) throw new BadParameterError('parkId', fields.parkId, 'must be a positive integer');
    out.parkId = Number(fields.parkId.trim());
  }
  if (fields.capturedOn?.trim()) {
    const v = fields.capturedOn.trim();
    const d = new Date(`${v}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
      throw new BadParameterError('capturedOn', v, 'must be a date YYYY-MM-DD');
    }
    out.capturedOn = v;
  }
  if (fields.crs?.trim()) out.crs = fields.crs.trim();
  return out;
}

/**
 * Streams the one file of a multipart upload into the asset store (hashing as it goes; nothing is
 * held in memory) and collects the text fields.
 */
function streamUpload(req: Request, store: AssetStore, maxBytes: number): Promise<{ stored: StoredAsset; fileName: string; fields: Record<string, string> }> {
  const type = req.headers['content-type'] ?? '';
  if (!/;\s*boundary=/i.test(type)) throw new AppError('bad_request', `malformed multipart body: Content-Type "${type}" has no boundary`);
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let put: Promise<StoredAsset> | null = null;
    let fileName = '';
    let failed = false;
    let tooLarge = false;
    const fail = (err: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    const bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 4096 }, defParamCharset: 'utf8' });
    bb.on('file', (field, stream, info) => {
      stream.on('error', (err: Error) => fail(new AppError('bad_request', `malformed multipart body: ${err.message} (in file "${info.filename}")`)));
      if (field !== 'file') {
        stream.resume();
        return fail(new AppError('bad_request', `unexpected file field "${field}"; upload the GeoTIFF in field "file"`));
      }
      fileName = info.filename ?? '';
      if (/[\u0000-\u001f\u007f]/.test(fileName) || fileName.length > 255) {
        stream.resume();
        return fail(new AppError('bad_request', `file name ${JSON.stringify(fileName.slice(0, 80))} has control characters or is longer than 255 characters`));
      }
      stream.on('limit', () => {
        tooLarge = true;
        fail(new AppError('payload_too_large', `file "${fileName}" exceeds the limit of ${maxBytes} bytes (IMAGERY_MAX_FILE_MB)`));
      });
      const pass = new PassThrough();
      stream.pipe(pass);
      put = store.put(pass, { ext: 'tif' });
      put.catch(() => undefined);
    });
    bb.on('field', (name, value) => {
      if (value.includes('\0')) return fail(new AppError('bad_request', `field "${name}" has a NUL character`));
      fields[name] = value;
    });
    bb.on('filesLimit', () => fail(new AppError('bad_request', 'upload exactly one GeoTIFF in field "file"')));
    bb.on('error', (err: Error) => fail(new AppError('bad_request', `malformed multipart body: ${err.message}`)));
    bb.on('close', async () => {
      if (failed) return;
      if (!put) return fail(new AppError('bad_request', 'upload exactly one GeoTIFF in field "file"'));
      try {
        const stored = await put;
        if (tooLarge) return;
        resolve({ stored, fileName: fileName || 'upload.tif', fields });
      } catch (err) {
        fail(err instanceof AppError ? err : new AppError('bad_request', (err as Error).message));
      }
    });
    req.pipe(bb);
  });
}

/** WebP unless asked for JPEG (?format) or the client accepts images but not WebP. */
function tileFormat(req: Request, query: { format?: string }, ext: string): TileFormat {
  if (query.format) return query.format === 'webp' ? 'webp' : 'jpeg';
  if (ext === 'jpg' || ext === 'jpeg') return 'jpeg';
  const accept = String(req.headers.accept ?? '');
  if (!accept || /image\/webp|\*\/\*|image\/\*/.test(accept)) return 'webp';
  return /image\/jpeg/.test(accept) ? 'jpeg' : 'webp';
}

const REVIEW_BODY = s.object({ state: s.enum(['draft', 'verified', 'published'] as const) }, { required: ['state'] });
const CAPTURE_BODY = s.object({ capturedOn: s.nullable(s.string({ format: 'date', description: 'YYYY-MM-DD, or null to clear' })) }, { required: ['capturedOn'] });
const LIST_QUERY = s.object({
  parkId: s.integer({ minimum: 1, description: 'only the orthophotos of this park' }),
  lang: s.string({ description: 'zh or en' }),
});
const TILE_QUERY = s.object({ format: s.enum(['webp', 'jpeg', 'jpg'] as const, { description: 'tile format; default WebP (JPEG when the client does not accept WebP)' }) });

/** Routes of orthophotos. */
export function imageryRoutes(service: ImageryService, store: AssetStore, config: Pick<Config, 'imageryMaxFileMb' | 'publicBaseUrl'>): RouteSpec[] {
  const sendTile = async (req: Request, res: Response, viewer: Parameters<ImageryService['tile']>[0], query: { format?: string }) => {
    const y = String(req.params.y);
    const m = /^(\d{1,9})\.(webp|jpg|jpeg)$/.exec(y);
    if (!m) throw new BadParameterError('y', y, 'must be <row>.webp or <row>.jpg');
    const z = intParam(req, 'z', 24);
    const max = 2 ** z - 1;
    const x = intParam(req, 'x', max);
    if (Number(m[1]) > max) throw new BadParameterError('y', m[1], `must be within 0..${max} at zoom ${z}`);
    const tile = await service.tile(viewer, intParam(req, 'id', 1e12), z, x, Number(m[1]), tileFormat(req, query, m[2]));
    res.setHeader('Content-Type', tile.contentType);
    res.setHeader('ETag', tile.etag);
    res.setHeader('Vary', 'Accept, Cookie');
    res.setHeader('Cache-Control', tile.public && !viewer.user ? 'public, max-age=3600' : 'private, no-cache');
    if (tile.public) res.setHeader('Access-Control-Allow-Origin', '*');
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').map((v) => v.trim().replace(/^W\//, '')).includes(tile.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', tile.bytes.length);
    res.end(tile.bytes);
  };
  return [
    route({
      method: 'post', path: '/api/imagery', access: ['staff'], tag: 'imagery', multipart: true,
      summary: 'Upload an orthophoto (正射影像): multipart "file" (GeoTIFF / COG, 8-bit RGB or RGBA, BigTIFF, streamed to disk), optional name, parkId, capturedOn (YYYY-MM-DD), crs (EPSG:n when the file names none), lang → 201 with the draft row; its tiles are cut in the background (poll GET /api/imagery/{id} for status and progress)',
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        const { stored, fileName, fields } = await streamUpload(req, store, config.imageryMaxFileMb * 1024 * 1024);
        const imagery = await service.create({ fileName, sha256: stored.sha256, size: stored.size, ext: 'tif' }, uploadFields(fields), langOf(req, fields), viewer.user?.id ?? null);
        res.status(201).json({ imagery });
      },
    }),
    route({
      method: 'get', path: '/api/imagery', access: 'public', tag: 'imagery', query: LIST_QUERY,
      summary: 'Orthophotos the caller may see (footprint, capture date, zoom range; staff also see drafts, status and progress)',
      async handler(_req, res, viewer, { query }) {
        res.json({ imagery: await service.list(viewer, query.parkId ?? null) });
      },
    }),
    route({
      method: 'get', path: '/api/imagery/:id', access: 'public', tag: 'imagery',
      summary: 'One orthophoto (status processing → ready or failed, progress 0..1, error in zh and en)',
      async handler(req, res, viewer) {
        res.json({ imagery: await service.get(viewer, intParam(req, 'id', 1e12)) });
      },
    }),
    route({
      method: 'post', path: '/api/imagery/:id/review', access: ['reviewer'], tag: 'imagery', body: REVIEW_BODY,
      summary: 'Reviewer (校核): set {state} of an orthophoto (published only once its tiles are ready)',
      async handler(req, res, _viewer, { body }) {
        res.json(await service.review(intParam(req, 'id', 1e12), body.state));
      },
    }),
    route({
      method: 'post', path: '/api/imagery/:id/capture-date', access: ['staff'], tag: 'imagery', body: CAPTURE_BODY,
      summary: 'Staff: set the capture date {capturedOn: YYYY-MM-DD | null} when the file has none or it is wrong',
      async handler(req, res, _viewer, { body }) {
        res.json({ imagery: await service.setCaptureDate(intParam(req, 'id', 1e12), body.capturedOn) });
      },
    }),
    route({
      method: 'get', path: '/tiles/imagery/:id.json', access: 'public', tag: 'imagery',
      summary: 'TileJSON 3.0 of an orthophoto (bounds, zoom range, capture date, footprint)',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        const raw = String(req.params.id);
        if (!/^\d{1,12}$/.test(raw)) throw new BadParameterError('id', raw, 'must be a positive integer');
        const doc = await service.tileJson(viewer, Number(raw), publicBaseUrl(req, config));
        res.setHeader('Cache-Control', viewer.user ? 'private, no-cache' : 'public, max-age=60');
        res.json(doc);
      },
    }),
    route({
      method: 'get', path: '/tiles/imagery/:id/:z/:x/:y', access: 'public', tag: 'imagery', query: TILE_QUERY,
      summary: 'Raster tile of an orthophoto: {y}.webp (or {y}.jpg), ?format=jpeg for JPEG; transparent outside the image; ETag/304',
      response: { status: 200, type: 'image/webp' },
      async handler(req, res, viewer, { query }) {
        await sendTile(req, res, viewer, query);
      },
    }),
  ];
}
