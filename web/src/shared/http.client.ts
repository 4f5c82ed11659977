/**
 * The one place the web client talks HTTP. Every request takes an `AbortSignal`; every failure
 * is thrown as an `HttpError` that carries the status, the URL and the server's error code.
 */

/** A failed request: network error (status 0), non-2xx response, or a body that is not JSON. */
export class HttpError extends Error {
  constructor(
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** The requested URL. */
    readonly url: string,
    message: string,
    /** The server's machine-readable code from `{ error: { code } }`, when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Whether `err` comes from an aborted request (and should be ignored, not reported). */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Options of `requestJson`. */
export interface RequestOptions {
  /** Cancels the request; required so callers think about cancellation. */
  signal: AbortSignal;
  /** HTTP method (default GET). */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialized as JSON with `content-type: application/json`. */
  body?: unknown;
}

/**
 * Fetch `url` and parse the JSON answer. Resolves `undefined` for 204 No Content.
 * Throws `HttpError` on failure, or the abort `DOMException` when `signal` fires.
 */
export async function requestJson<T>(url: string, { signal, method = 'GET', body }: RequestOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      signal,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new HttpError(0, url, `${method} ${url}: network error (${(err as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new HttpError(res.status, url, `${method} ${url}: response is not JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new HttpError(res.status, url, error?.message ?? `${method} ${url} failed with HTTP ${res.status}`, error?.code);
  }
  return json as T;
}

/**
 * Fetch `url` as bytes (a model, an image). Throws `HttpError` on failure (with the server's
 * message when it answered JSON), or the abort `DOMException` when `signal` fires.
 */
export async function requestBytes(url: string, { signal }: { signal: AbortSignal }): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'same-origin' });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new HttpError(0, url, `GET ${url}: network error (${(err as Error).message})`);
  }
  if (!res.ok) {
    let message = `GET ${url} failed with HTTP ${res.status}`;
    let code: string | undefined;
    try {
      const error = ((await res.json()) as { error?: { code?: string; message?: string } }).error;
      message = error?.message ?? message;
      code = error?.code;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new HttpError(res.status, url, message, code);
  }
  return res.arrayBuffer();
}

/**
 * Requests for one purpose where only the newest answer matters (a form re-run while the user
 * types): `next()` aborts the request still running and returns the signal of the new one.
 */
export class LatestRequest {
  private current: AbortController | null = null;

  /** Abort the previous request, if still running, and return a signal for the next one. */
  next(): AbortSignal {
    this.current?.abort();
    this.current = new AbortController();
    return this.current.signal;
  }

  /** Whether `signal` is the newest request's (an older one's answer must be dropped). */
  isLatest(signal: AbortSignal): boolean {
    return this.current?.signal === signal;
  }
}
