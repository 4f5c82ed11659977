/**
 * Streaming multipart parsing (busboy) with limits: per-file size, file count and total size.
 * Exceeding a limit answers 413 naming the file and the limit; nothing is stored.
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../../core/errors.ts';
import type { InputFile } from '../../survey-import/types.ts';

/** Upload limits. */
export interface UploadLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
}

/** Files (field `file`, repeatable) and text fields of a multipart request. */
export async function readMultipart(req: Request, limits: UploadLimits): Promise<{ files: InputFile[]; fields: Record<string, string> }> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type', `expected multipart/form-data with field "file", got "${type || 'no content type'}"`);
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new AppError('unsupported_media_type', `Content-Encoding ${JSON.stringify(req.headers['content-encoding'])} is not accepted for uploads; send the multipart body uncompressed`);
  }
  if (!/;\s*boundary=/i.test(type)) throw new AppError('bad_request', `malformed multipart body: Content-Type "${type}" has no boundary`);
  return new Promise((resolve, reject) => {
    const files: InputFile[] = [];
    const fields: Record<string, string> = {};
    let total = 0;
    let failed = false;
    const fail = (err: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    const bb = busboy({ headers: req.headers, limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 50, fieldSize: 64 * 1024 }, defParamCharset: 'utf8' });
    bb.on('file', (field, stream, info) => {
      // A body that ends inside a file part errors the file stream too: unhandled, that would
      // take the process down.
      stream.on('error', (err: Error) => fail(new AppError('bad_request', `malformed multipart body: ${err.message} (in file "${info.filename}")`)));
      if (field !== 'file') {
        stream.resume();
        return fail(new AppError('bad_request', `unexpected file field "${field}"; upload files in field "file"`));
      }
      // The name is shown and stored as text: no NUL or other control characters, no huge names.
      if (/[\u0000-\u001f\u007f]/.test(info.filename ?? '') || (info.filename ?? '').length > 255) {
        stream.resume();
        return fail(new AppError('bad_request', `file name ${JSON.stringify((info.filename ?? '').slice(0, 80))} has control characters or is longer than 255 characters`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        total += c.length;
        if (total > limits.maxTotalBytes) fail(new AppError('payload_too_large', `upload exceeds the total limit of ${limits.maxTotalBytes} bytes at file "${info.filename}"`));
        else chunks.push(c);
      });
      stream.on('limit', () => fail(new AppError('payload_too_large', `file "${info.filename}" exceeds the limit of ${limits.maxFileBytes} bytes`)));
      stream.on('end', () => {
        if (!failed) files.push({ name: info.filename || `upload-${files.length + 1}`, bytes: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    bb.on('field', (name, value) => {
      if (value.includes('\0')) return fail(new AppError('bad_request', `field "${name}" has a NUL character, got ${JSON.stringify(value.slice(0, 80))}`));
      fields[name] = value;
    });
    bb.on('filesLimit', () => fail(new AppError('payload_too_large', `more than ${limits.maxFiles} files in one upload`)));
    bb.on('error', (err: Error) => fail(new AppError('bad_request', `malformed multipart body: ${err.message}`)));
    bb.on('close', () => {
      if (!failed) resolve({ files, fields });
    });
    req.pipe(bb);
  });
}
