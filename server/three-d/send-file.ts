/**
 * HTTP semantics for 3D asset files (tileset contents, GLBs, property indexes): strong ETags and
 * 304, single byte ranges (206 / 416, `Accept-Ranges: bytes`), gzip when the client accepts it and
 * a compressed copy exists (never together with a range: ranges address the identity bytes),
 * `Vary: Accept-Encoding`, and Cache-Control public for published assets and private otherwise.
 */
import { createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import type { ServedFile } from './three-d.service.ts';

/** Cache lifetimes (seconds): content files are addressed by hash, tileset.json may be re-placed. */
const MAX_AGE_CONTENT_S = 3600;
const MAX_AGE_JSON_S = 60;

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

/** Parses a single `bytes=` range against `size`; null for none, 'invalid' for unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return header.includes(',') ? null : 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/** Sends `file` for `req` with ETag/304, Range/206, gzip and caching headers. */
export function sendServedFile(req: Request, res: Response, file: ServedFile, signedIn: boolean): void {
  const isJson = file.contentType.startsWith('application/json');
  const maxAge = isJson ? MAX_AGE_JSON_S : MAX_AGE_CONTENT_S;
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Cache-Control', file.public && !signedIn ? `public, max-age=${maxAge}` : 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
  res.setHeader('Accept-Ranges', 'bytes');
  // 3D viewers on other origins (e.g. a smart-park BIM system) may load published assets.
  if (file.public) res.setHeader('Access-Control-Allow-Origin', '*');
  const src = file.source;
  const bytes = 'bytes' in src ? src.bytes : null;
  const size = bytes ? bytes.length : (src as { size: number }).size;
  const range = parseRange(req.headers.range, size);
  const gzip = range === null && acceptsGzip(req) && (bytes ? bytes.length > 1024 : (src as { gzipPath: string | null }).gzipPath !== null);
  const etag = `"${file.etag}${gzip ? '-gz' : ''}"`;
  res.setHeader('ETag', etag);
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) {
    res.status(304).end();
    return;
  }
  if (range === 'invalid') {
    res.setHeader('Content-Range', `bytes */${size}`);
    res.status(416).end();
    return;
  }
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
    if (req.method === 'HEAD') return void res.end();
    if (bytes) res.end(Buffer.from(bytes.subarray(range.start, range.end + 1)));
    else createReadStream((src as { path: string }).path, { start: range.start, end: range.end }).on('error', (e) => res.destroy(e)).pipe(res);
    return;
  }
  if (gzip) {
    res.setHeader('Content-Encoding', 'gzip');
    if (bytes) {
      const gz = gzipSync(bytes);
      res.setHeader('Content-Length', String(gz.length));
      return void res.end(req.method === 'HEAD' ? undefined : gz);
    }
    const s = src as { gzipPath: string; gzipSize: number };
    res.setHeader('Content-Length', String(s.gzipSize));
    if (req.method === 'HEAD') return void res.end();
    createReadStream(s.gzipPath).on('error', (e) => res.destroy(e)).pipe(res);
    return;
  }
  res.setHeader('Content-Length', String(size));
  if (req.method === 'HEAD') return void res.end();
  if (bytes) res.end(Buffer.from(bytes));
  else createReadStream((src as { path: string }).path).on('error', (e) => res.destroy(e)).pipe(res);
}
