/**
 * The one place the web client talks HTTP. Every request takes an `AbortSignal`; every failure
 * is thrown as an `HttpError` that carries the status, the URL, the server's error code and, for
 * a refused form, its per-field problems. Requests are same-origin with the session cookie, so the
 * browser's `Origin` passes the server's cross-site check (server/http/security.ts); `lang` asks
 * for the server's messages in the page's language.
 */

/** One bad field of a refused request (`error.fields` of a 400), its message in the requested language. */
export interface FieldProblem {
  field: string;
  message: string;
}

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
    /** The server's per-field problems (`{ error: { fields } }`), when it sent them. */
    readonly fields?: FieldProblem[],
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
  /** Language of the server's messages (sent as `accept-language`); the server's default (zh) without it. */
  lang?: 'zh' | 'en';
}

/**
 * Fetch `url` and parse the JSON answer. Resolves `undefined` for 204 No Content.
 * Throws `HttpError` on failure, or the abort `DOMException` when `signal` fires.
 */
export async function requestJson<T>(url: string, { signal, method = 'GET', body, lang }: RequestOptions): Promise<T> {
  let res: Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (lang) headers['accept-language'] = lang;
  try {
    res = await fetch(url, {
      method,
      signal,
      credentials: 'same-origin',
      headers,
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
    const error = (json as { error?: { code?: string; message?: string; fields?: FieldProblem[] } } | undefined)?.error;
    throw new HttpError(res.status, url, error?.message ?? `${method} ${url} failed with HTTP ${res.status}`, error?.code,
      Array.isArray(error?.fields) ? error.fields : undefined);
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
