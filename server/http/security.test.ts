import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { checkBodyType, contentSecurityPolicy, originCheck, publicBaseUrl, securityHeaders, trustProxySetting } from './security.ts';

/** A tiny real server with the origin check and one POST route, under a given configuration. */
async function serve(config: { publicBaseUrl: string; allowedOrigins: string[]; trustProxy?: string }) {
  const app = express();
  app.set('trust proxy', trustProxySetting(config.trustProxy ?? ''));
  app.use(originCheck(config));
  app.post('/act', (req, res) => res.json({ ok: true, base: publicBaseUrl(req, config) }));
  app.use(((err, _req, res, _next) => res.status((err as AppError).status ?? 500).json({ error: (err as AppError).message })) as express.ErrorRequestHandler);
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const post = async (headers: Record<string, string>) => {
    const res = await fetch(`http://127.0.0.1:${port}/act`, { method: 'POST', headers });
    return { status: res.status, body: await res.json() };
  };
  return { server, port, post };
}

describe('origin check', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ publicBaseUrl: 'https://gis.example.cn', allowedOrigins: ['https://partner.example.cn'] });
  });
  afterAll(() => s.server.close());

  it('allows its own origin, PUBLIC_BASE_URL and ALLOWED_ORIGINS', async () => {
    expect((await s.post({ origin: `http://127.0.0.1:${s.port}` })).status).toBe(200);
    expect((await s.post({ origin: 'https://gis.example.cn' })).status).toBe(200);
    expect((await s.post({ origin: 'https://partner.example.cn' })).status).toBe(200);
  });

  it('refuses other origins, another port of the same host, another scheme and Origin: null', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${s.port + 1}`, `https://127.0.0.1:${s.port}`, 'http://gis.example.cn', 'null']) {
      const res = await s.post({ origin });
      expect(res.status).toBe(403);
      expect(res.body.error).toContain(`Origin "${origin}"`);
    }
  });

  it('without Origin, trusts Sec-Fetch-Site same-origin and none, refuses same-site and cross-site', async () => {
    expect((await s.post({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await s.post({ 'sec-fetch-site': 'none' })).status).toBe(200);
    expect((await s.post({ 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await s.post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('lets a request with neither header through (a tool, not a browser page)', async () => {
    expect((await s.post({})).status).toBe(200);
  });

  it('builds public links on PUBLIC_BASE_URL, never on Host', async () => {
    const res = await new Promise<string>((resolve) => {
      http.request({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/act', headers: { host: 'evil.example' } }, (r) => {
        let t = '';
        r.on('data', (c) => (t += c));
        r.on('end', () => resolve(t));
      }).end();
    });
    expect(JSON.parse(res).base).toBe('https://gis.example.cn');
  });
});

describe('origin check behind a proxy', () => {
  it('believes X-Forwarded-Proto/-Host for its own origin only under TRUST_PROXY', async () => {
    const trusted = await serve({ publicBaseUrl: '', allowedOrigins: [], trustProxy: 'loopback' });
    const untrusted = await serve({ publicBaseUrl: '', allowedOrigins: [] });
    try {
      const headers = { origin: 'https://gis.example.cn', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gis.example.cn' };
      expect((await trusted.post(headers)).status).toBe(200);
      expect((await untrusted.post(headers)).status).toBe(403);
      // Without PUBLIC_BASE_URL, links use the address the connection came in on.
      expect((await untrusted.post({})).body.base).toBe(`http://127.0.0.1:${untrusted.port}`);
    } finally {
      trusted.server.close();
      untrusted.server.close();
    }
  });

  it('reads TRUST_PROXY as off, a hop count, true or an address list', () => {
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });
});

describe('body types', () => {
  const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as http.IncomingMessage;
  const route = { method: 'post', path: '/api/x' };

  it('accepts JSON, or nothing at all', () => {
    expect(() => checkBodyType(req('POST', { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' }), route)).not.toThrow();
    expect(() => checkBodyType(req('POST', {}), route)).not.toThrow();
    expect(() => checkBodyType(req('GET', { 'content-type': 'text/plain' }), route)).not.toThrow();
  });

  it('refuses forms, text/plain and a body without a type with 415 naming them', () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      expect(() => checkBodyType(req('POST', { 'content-type': type }), route)).toThrow(new RegExp(`POST /api/x takes a JSON body .*got "${type.split(';')[0]}"`));
    }
    expect(() => checkBodyType(req('DELETE', { 'content-length': '5' }), route)).toThrow('got "a body without Content-Type"');
  });

  it('takes multipart only where the route declares it', () => {
    const upload = { ...route, multipart: true };
    expect(() => checkBodyType(req('POST', { 'content-type': 'multipart/form-data; boundary=x' }), upload)).not.toThrow();
    expect(() => checkBodyType(req('POST', { 'content-type': 'application/json' }), upload)).toThrow('takes a multipart/form-data upload');
  });
});

describe('security headers', () => {
  const headersOf = (config: { basemapUrl: string; cookieSecure: boolean; publicBaseUrl: string }) => {
    const set = new Map<string, string>();
    securityHeaders(config)({ setHeader: (k: string, v: string) => set.set(k.toLowerCase(), v) } as unknown as http.ServerResponse);
    return set;
  };

  it('sends CSP with blob: workers and frame-ancestors, and HSTS only over HTTPS', () => {
    const plain = headersOf({ basemapUrl: '', cookieSecure: false, publicBaseUrl: '' });
    expect(plain.get('content-security-policy')).toContain("worker-src 'self' blob:");
    expect(plain.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(plain.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(plain.get('x-content-type-options')).toBe('nosniff');
    expect(plain.has('strict-transport-security')).toBe(false);
    expect(headersOf({ basemapUrl: '', cookieSecure: true, publicBaseUrl: '' }).get('strict-transport-security')).toBe('max-age=31536000');
    expect(headersOf({ basemapUrl: '', cookieSecure: false, publicBaseUrl: 'https://gis.example.cn' }).has('strict-transport-security')).toBe(true);
  });

  it('allows a configured basemap origin for images and fetches', () => {
    const csp = contentSecurityPolicy({ basemapUrl: 'https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&tk=KEY', cookieSecure: false });
    expect(csp).toContain("img-src 'self' data: blob: https://t0.tianditu.gov.cn");
    expect(csp).toContain("connect-src 'self' data: blob: https://t0.tianditu.gov.cn");
  });
});
