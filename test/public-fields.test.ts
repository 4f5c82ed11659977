/**
 * Walks every public page and endpoint as the anonymous investor and fails on any internal field:
 * a JSON key or HTML text naming review state, import batch, importer or data source. Every
 * public GET route of the OpenAPI document without path parameters is visited, plus each
 * parameterised one for every layer, park, tour and panorama, so a new route is walked as soon as
 * it is declared.
 *
 * Everything must be clean: internal attributes are left out of the public view of a layer
 * (`internal: true` in its definition, `layerView`), and tours, panoramas and 3D assets drop their
 * review keys for the public (`omitInternal`). Signed-in staff still see them (checked below).
 */
import { describe, expect, it } from 'vitest';
import { api, userWithRole } from './helpers.ts';

/** JSON keys that are internal. */
const INTERNAL_KEYS = new Set(['review_state', 'reviewState', 'batch_id', 'batchId', 'importer', 'imported_by', 'importedBy', 'source', 'created_by', 'createdBy', 'reviewed_by', 'reviewedBy', 'client_hash']);
/** Text that betrays an internal field in HTML or in values. */
const INTERNAL_TEXT = [/review_state/, /batch_id/, /校核状态/, /数据来源/, /导入批次/, /echarts-china-cities/, /GCJ-02 → WGS84/];

function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysOf(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysOf(x, out);
    }
  }
  return out;
}

/** Internal fields found in one response body. */
function findInternal(body: string, type: string): string[] {
  const found: string[] = [];
  if (type.includes('json')) {
    const keys = keysOf(JSON.parse(body));
    for (const k of keys) if (INTERNAL_KEYS.has(k)) found.push(`key ${k}`);
  }
  for (const re of INTERNAL_TEXT) if (re.test(body)) found.push(`text ${re.source}`);
  return found;
}

describe('public pages and endpoints carry no internal field', () => {
  it('walks every public GET as the anonymous investor', async () => {
    const doc = await (await api('/api/openapi.json')).json();
    const summary = await (await api('/api/portal/summary')).json();
    const layers: { id: string }[] = (await (await api('/api/layers')).json()).layers;
    const tours: { id: number }[] = (await (await api('/api/tours')).json()).tours ?? [];
    const panos = await (await api('/api/panoramas')).json();
    const panoIds: number[] = (panos.panoramas ?? panos.features ?? []).map((p: any) => p.id).slice(0, 2);

    const urls = new Set<string>();
    const templates = new Set<string>();
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      if (ops.get?.['x-access'] !== 'public') continue;
      if (!p.includes('{')) urls.add(p);
      else templates.add(p);
    }
    const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
    const walkedTemplates = new Set<string>();
    const use = (template: string, values: Record<string, string | number>, query = '') => {
      if (!templates.has(template)) return;
      walkedTemplates.add(template);
      urls.add(fill(template, values) + query);
    };
    for (const park of summary.parks) {
      use('/parks/{id}', { id: park.id });
      use('/parks/{id}', { id: park.id }, '?lang=en');
      use('/api/portal/parks/{id}', { id: park.id });
    }
    for (const l of layers) {
      use('/api/layers/{id}/features', { id: l.id }, '?limit=50');
      const first = (await (await api(`/api/layers/${l.id}/features?limit=1`)).json()).features?.[0];
      if (first) use('/api/layers/{id}/features/{fid}', { id: l.id, fid: first.id });
      use('/ogc/collections/{id}', { id: l.id });
      use('/ogc/collections/{id}/queryables', { id: l.id });
      use('/ogc/collections/{id}/items', { id: l.id }, '?limit=50');
      if (first) use('/ogc/collections/{id}/items/{featureId}', { id: l.id, featureId: first.id });
      use('/api/layers/{id}/export', { id: l.id }, '?format=geojson&bbox=107.4,31.1,107.6,31.3');
    }
    for (const t of tours.slice(0, 2)) use('/api/tours/{id}', { id: t.id });
    const policies: { id: number }[] = (await (await api('/api/policies')).json()).policies;
    for (const p of policies.slice(0, 3)) {
      use('/api/policies/{id}', { id: p.id });
      use('/policies/{id}', { id: p.id });
      use('/policies/{id}', { id: p.id }, '?lang=en');
    }
    for (const id of panoIds) use('/api/panoramas/{id}', { id });
    urls.add('/?lang=en');

    const leaks: string[] = [];
    const answered = new Set<string>();
    for (const url of urls) {
      const res = await api(url);
      const type = res.headers.get('content-type') ?? '';
      if (!/json|html|text\/plain|xml|csv/.test(type)) continue;
      const body = await res.text();
      if (res.status >= 400) continue;
      answered.add(url);
      const found = findInternal(body, type);
      if (found.length) leaks.push(`${url}: ${found.join(', ')}`);
    }
    expect(leaks).toEqual([]);
    // the layer APIs, OGC API and exports were walked too
    expect([...walkedTemplates]).toEqual(expect.arrayContaining(['/api/layers/{id}/features', '/ogc/collections/{id}/items', '/ogc/collections/{id}/queryables', '/api/layers/{id}/export']));
    // the portal's own pages were walked
    expect([...walkedTemplates]).toEqual(expect.arrayContaining(['/parks/{id}', '/api/portal/parks/{id}', '/api/policies/{id}', '/policies/{id}']));
    expect(answered.has('/')).toBe(true);
    expect(answered.has('/api/portal/summary')).toBe(true);
    expect(answered.has(`/parks/${summary.parks[0].id}?lang=en`)).toBe(true);
    expect([...answered].filter((u) => u.startsWith('/ogc/collections/') && u.includes('/items')).length).toBeGreaterThan(5);
    expect([...answered].filter((u) => u.includes('/export?')).length).toBeGreaterThan(5);
  });

  it('signed-in staff still see the internal fields on the same routes, and the staff routes in the API description', async () => {
    const cookie = await userWithRole('staff');
    const land = await (await api('/api/layers/land/features?limit=1', { cookie })).json();
    expect(Object.keys(land.features[0].properties)).toContain('review_state');
    const counties = await (await api('/ogc/collections/counties/items?limit=1', { cookie })).json();
    expect(Object.keys(counties.features[0].properties)).toContain('source');
    const catalog = await (await api('/api/layers', { cookie })).json();
    expect(catalog.layers.find((l: { id: string }) => l.id === 'parks').attributes.map((a: { name: string }) => a.name)).toContain('review_state');
    const queryables = await (await api('/ogc/collections/land/queryables', { cookie })).json();
    expect(Object.keys(queryables.properties)).toContain('review_state');
    const csv = await (await api('/api/layers/land/export?format=csv&bbox=107.4,31.1,107.6,31.3', { cookie })).text();
    expect(csv.split('\n')[0]).toContain('review_state');
    const tours = await (await api('/api/tours', { cookie })).json();
    if (tours.tours.length) expect(tours.tours[0].reviewState).toMatch(/draft|verified|published/);
    const staffDoc = await (await api('/api/openapi.json', { cookie })).json();
    const publicDoc = await (await api('/api/openapi.json')).json();
    expect(staffDoc.paths['/api/layers/{id}/features/{fid}/review']).toBeUndefined(); // a reviewer's route, not staff's
    expect(Object.keys(staffDoc.paths).length).toBeGreaterThan(Object.keys(publicDoc.paths).length);
    for (const ops of Object.values<any>(publicDoc.paths)) for (const op of Object.values<any>(ops)) expect(op['x-access']).toBe('public');
    // and the public cannot filter on an internal field it does not see
    const res = await api("/ogc/collections/land/items?filter=review_state='draft'");
    expect(res.status).toBe(400);
  });

  it('the walk does catch an internal field (a staff session sees review_state on the same routes)', () => {
    expect(findInternal(JSON.stringify({ features: [{ properties: { review_state: 'published' } }] }), 'application/json')).toEqual(['key review_state', 'text review_state']);
    expect(findInternal('<dt>校核状态</dt>', 'text/html')).toEqual(['text 校核状态']);
  });
});
