/**
 * Typed errors and the one table that maps them to HTTP statuses. Services and repositories
 * throw these; the error middleware (`errorHandler`) is the only place that turns an error into a
 * response. Messages name the bad value: "bbox needs 4 numbers, got 3".
 */
import type { ErrorRequestHandler } from 'express';

/** Error codes and their HTTP statuses. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  timeout: 504,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error with a code from `ERROR_STATUS` and a message safe to show the caller. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable detail, e.g. `{ parameter: 'bbox', value: '1,2' }`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** 400 for a bad request parameter, naming the parameter and its value. */
export class BadParameterError extends AppError {
  constructor(parameter: string, value: unknown, reason: string) {
    super('bad_request', `parameter "${parameter}" ${reason}, got ${JSON.stringify(value)}`, { parameter, value });
  }
}

/** 404 for an unknown resource. */
export class NotFoundError extends AppError {
  constructor(what: string, id: unknown) {
    super('not_found', `${what} ${JSON.stringify(id)} not found`, { id });
  }
}

/** Express error middleware: serializes `AppError`s, hides internals of everything else. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let appErr: AppError;
  if (err instanceof AppError) {
    appErr = err;
  } else if (err?.type === 'entity.parse.failed') {
    appErr = new AppError('bad_request', `request body is not valid JSON: ${err.message}`);
  } else if (err?.type === 'entity.too.large') {
    appErr = new AppError('payload_too_large', `request body exceeds ${err.limit} bytes`);
  } else if (err?.code === '57014') {
    // PostgreSQL query_canceled: the statement timeout fired.
    appErr = new AppError('timeout', 'the database query took too long and was cancelled');
  } else {
    console.error(`${req.method} ${req.originalUrl} failed:`, err);
    appErr = new AppError('internal', 'internal server error');
  }
  if (res.headersSent) return;
  res.status(appErr.status).json({ error: { code: appErr.code, message: appErr.message, ...appErr.details } });
};
