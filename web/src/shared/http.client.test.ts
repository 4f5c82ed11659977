import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, isAbortError, requestJson, requestMultipart, type UploadProgress } from './http.client.ts';

/** What the test server saw of the last request. */
let seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string } = { headers: {}, body: '' };
let server: Server;

// A real HTTP server on the loopback: the client's requests leave the (happy-dom) page for real.
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('latin1') };
      const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (req.url === '/ok') send(201, JSON.stringify({ id: 7, bytes: chunks.reduce((s, c) => s + c.length, 0) }));
      else if (req.url === '/refused') send(400, JSON.stringify({ error: { code: 'bad_file', message: '图片格式不支持', fields: [{ field: 'file', message: '必须是 JPEG、PNG 或 WebP' }] } }));
      else if (req.url === '/html') res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      else if (req.url === '/slow') setTimeout(() => send(200, '{}'), 5_000);
      else send(404, JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`http://127.0.0.1:${port}/page.html`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const formWithFile = () => {
  const form = new FormData();
  form.append('caption', '厂房外景');
  form.append('file', new File([new Uint8Array(3000).fill(65)], 'photo.png', { type: 'image/png' }));
  return form;
};

describe('requestMultipart', () => {
  it('posts the form as multipart/form-data and returns the JSON answer; progress ends with all bytes sent', async () => {
    const progress: UploadProgress[] = [];
    const answer = await requestMultipart<{ id: number }>('/ok', formWithFile(), {
      signal: new AbortController().signal, lang: 'en', onProgress: (p) => progress.push(p),
    });
    expect(answer.id).toBe(7);
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.headers['accept-language']).toBe('en');
    expect(seen.body).toContain('name="caption"');
    expect(seen.body).toContain('filename="photo.png"');
    expect(seen.body).toContain('A'.repeat(3000));
    const last = progress.at(-1)!;
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBeGreaterThanOrEqual(3000);
  });

  it('throws the server\'s refusal as HttpError with status, code, message and fields', async () => {
    const err: HttpError = await requestMultipart<never>('/refused', formWithFile(), { signal: new AbortController().signal }).catch((e: HttpError) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 400, url: '/refused', code: 'bad_file', message: '图片格式不支持' });
    expect(err.fields).toEqual([{ field: 'file', message: '必须是 JPEG、PNG 或 WebP' }]);
  });

  it('names the request when the answer is not JSON', async () => {
    const err: HttpError = await requestMultipart<never>('/html', formWithFile(), { signal: new AbortController().signal }).catch((e: HttpError) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toBe('POST /html: response is not JSON (HTTP 502)');
  });

  it('rejects with an AbortError when the signal fires, before or during the upload', async () => {
    const before = new AbortController();
    before.abort();
    expect(isAbortError(await requestMultipart('/ok', formWithFile(), { signal: before.signal }).catch((e) => e))).toBe(true);
    const during = new AbortController();
    const pending = requestMultipart('/slow', formWithFile(), { signal: during.signal }).catch((e) => e);
    setTimeout(() => during.abort(), 50);
    expect(isAbortError(await pending)).toBe(true);
  });
});

describe('requestJson', () => {
  it('shares the error reading with uploads', async () => {
    const err = await requestJson('/nowhere', { signal: new AbortController().signal }).catch((e: HttpError) => e);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: 'no such route' });
  });
});
