/**
 * The ground floor's error family: typed errors and the one table that maps them to HTTP statuses.
 * Every layer (readers, importers, tiles, services, repositories) throws these; the error middleware
 * (`server/http/error-handler.ts`) is the only place that turns an error into a response. Messages
 * name the bad value: "bbox needs 4 numbers, got 3".
 */

/** Error codes and their HTTP statuses. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
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
  /**
   * Names where the error happened, for callers that know more than the thrower (a zip reader
   * does not know the uploaded file's name): `err.in('parcels.zip')` → "parcels.zip: …".
   */
  in(where: string): this {
    this.message = `${where}: ${this.message}`;
    return this;
  }
}

/** 400 for a user's file that cannot be read, naming the file (and the entry or row in the message). */
export class FileError extends AppError {
  constructor(
    readonly file: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super('bad_request', `${file}: ${message}`, { file, ...details });
    this.name = 'FileError';
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
