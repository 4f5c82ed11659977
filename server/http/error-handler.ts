/**
 * The one error middleware: serializes the `AppError` family from `core/errors.ts` with its status
 * from `ERROR_STATUS`, maps body-parser and PostgreSQL failures, hides internals of everything else.
 */
import type { ErrorRequestHandler } from 'express';
import { AppError } from '../../core/errors.ts';
import { unavailableError } from '../../core/db/database.ts';

/** Express error middleware: serializes `AppError`s, hides internals of everything else. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let appErr: AppError;
  if (err instanceof AppError) {
    appErr = err;
  } else if (err?.type === 'entity.parse.failed') {
    appErr = new AppError('bad_request', `request body is not valid JSON: ${err.message}`);
  } else if (err?.type === 'entity.too.large') {
    appErr = new AppError('payload_too_large', `request body exceeds ${err.limit} bytes`);
  } else if (unavailableError(err)) {
    // The database connection was lost or could not be made: the pool reconnects by itself.
    appErr = unavailableError(err)!;
  } else if (err?.type === 'encoding.unsupported') {
    appErr = new AppError('unsupported_media_type', `Content-Encoding ${JSON.stringify(err.encoding ?? '')} is not supported; send gzip, deflate, br or identity`);
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose) {
    // Other body-parser refusals: a body that is not what Content-Encoding says (gzip that is
    // not gzip), a charset it cannot decode, a stream that ended early.
    const code = err.status === 413 ? 'payload_too_large' : err.status === 415 ? 'unsupported_media_type' : 'bad_request';
    const encoding = req.headers['content-encoding'];
    appErr = new AppError(code, `request body could not be read${encoding ? ` as Content-Encoding ${JSON.stringify(encoding)}` : ''}: ${err.message}`);
  } else if (err?.code === '23514' && / outside the service area and cannot be published$/.test(String(err.message))) {
    // Migration 011's trigger: a photo or track outside the service area is never published.
    appErr = new AppError('conflict', err.message);
  } else if (err?.code === '57014') {
    // PostgreSQL query_canceled: the statement timeout fired.
    appErr = new AppError('timeout', 'the database query took too long and was cancelled');
  } else {
    console.error(`${req.method} ${req.originalUrl} failed:`, err);
    appErr = new AppError('internal', 'internal server error');
  }
  if (res.headersSent) return;
  if (appErr.code === 'unavailable') res.set('Retry-After', '2');
  res.status(appErr.status).json({ error: { code: appErr.code, message: appErr.message, ...appErr.details } });
};
