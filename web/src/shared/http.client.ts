/**
 * The one place the web client talks HTTP. Every request takes an `AbortSignal`; every failure
 * is thrown as an `HttpError` that carries the status, the URL, the server's error code and, for
 * a refused form, its per-field problems. Requests are same-origin with the session cookie, so the
 * browser's `Origin` passes the server's cross-site check (server/http/security.ts); `lang` asks
 * for the server's messages in the page's language. JSON goes through `requestJson`, bytes come
 * through `requestBytes`, and file uploads (multipart/form-data, with upload progress) go through
 * `requestMultipart`.
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
  return jsonAnswer<T>(method, url, res.status, await res.text());
}

/**
 * The parsed JSON answer of a finished request, or the `HttpError` it stands for (the server's
 * `{ error: { code, message, fields } }` on a non-2xx status). 204 No Content is `undefined`.
 */
function jsonAnswer<T>(method: string, url: string, status: number, text: string): T {
  if (status === 204) return undefined as T;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new HttpError(status, url, `${method} ${url}: response is not JSON (HTTP ${status})`);
  }
  if (status < 200 || status >= 300) {
    const error = (json as { error?: { code?: string; message?: string; fields?: FieldProblem[] } } | undefined)?.error;
    throw new HttpError(status, url, error?.message ?? `${method} ${url} failed with HTTP ${status}`, error?.code,
      Array.isArray(error?.fields) ? error.fields : undefined);
  }
  return json as T;
}

/** How much of an upload's body has been sent, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of `requestMultipart`. */
export interface MultipartOptions {
  /** Cancels the upload (the request is aborted, the promise rejects with an `AbortError`). */
  signal: AbortSignal;
  /** HTTP method (default POST). */
  method?: 'POST' | 'PUT';
  /** Language of the server's messages (sent as `accept-language`). */
  lang?: 'zh' | 'en';
  /** Called as the body goes out; last with `loaded === total` once it is all sent. */
  onProgress?(progress: UploadProgress): void;
}

/**
 * Send `form` as multipart/form-data (files) and parse the JSON answer, with the same cookie,
 * origin check, errors and cancellation as `requestJson`. Uses XMLHttpRequest because `fetch`
 * reports no upload progress. Put text fields before the files: the server reads them first.
 */
export function requestMultipart<T>(url: string, form: FormData, { signal, method = 'POST', lang, onProgress }: MultipartOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException(`${method} ${url} aborted`, 'AbortError'));
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    let total = 0;
    for (const v of form.values()) total += typeof v === 'string' ? v.length : v.size;
    let sentAll = false;
    const allSent = () => {
      if (sentAll) return;
      sentAll = true;
      onProgress?.({ loaded: total, total });
    };
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    if (lang) xhr.setRequestHeader('accept-language', lang);
    xhr.responseType = 'text';
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => {
        if (!e.lengthComputable || sentAll) return;
        total = e.total;
        onProgress({ loaded: e.loaded, total });
      });
      // The last progress event may come before the final bytes; 'load' means the body is sent.
      xhr.upload.addEventListener('load', allSent);
    }
    xhr.addEventListener('abort', () => settle(() => reject(new DOMException(`${method} ${url} aborted`, 'AbortError'))));
    xhr.addEventListener('error', () => settle(() => reject(new HttpError(0, url, `${method} ${url}: network error`))));
    xhr.addEventListener('load', () => settle(() => {
      allSent();
      try {
        resolve(jsonAnswer<T>(method, url, xhr.status, xhr.responseText));
      } catch (err) {
        reject(err);
      }
    }));
    xhr.send(form);
  });
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
