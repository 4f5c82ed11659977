/**
 * Every request body is validated at its route from the schema the route declares (the same
 * schema is in the OpenAPI document): a bad body is a 400 before the handler runs, naming the field
 * and the value in the caller's language — `?lang=`, a body's `lang` or Accept-Language; without
 * one, English for the API and Chinese for the public enquiry form. A body field's error also lists
 * the field in `error.fields`, the shape the forms mark fields from.
 *
 * Ids in the paths need not exist: validation comes before any lookup.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, userWithRole } from './helpers.ts';

let admin = '';
beforeAll(async () => {
  admin = await userWithRole('admin');
});

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const EN = { 'accept-language': 'en-GB,en;q=0.9' };

/** The 400 answer of a call with a JSON body, as admin. */
async function refused(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await api(path, { method, cookie: admin, headers, body: JSON.stringify(body) });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(400);
  expect(json.error.code).toBe('bad_request');
  return json.error as { message: string; field?: string; value?: unknown; fields?: { field: string; value: unknown; message: string }[] };
}

describe('bad bodies are refused at the route, naming field and value', () => {
  it.each([
    // enquiries
    ['PATCH', '/api/enquiries/999999', { status: 'won' }, 'field "status" must be one of new, contacted, site_visit, signed, closed, got "won"'],
    ['PATCH', '/api/enquiries/999999', { assignedTo: 0 }, 'field "assignedTo" must be at least 1, got 0'],
    // imports, features, 3D
    ['POST', '/api/imports/999999/review', { state: 'draft' }, 'field "state" must be one of verified, published, got "draft"'],
    ['POST', '/api/layers/land/features/999999/review', {}, 'field "state" is required, got null'],
    ['POST', '/api/tilesets/999999/placement', { lon: 200, lat: 31 }, 'field "lon" must be within -180..180, got 200'],
    ['POST', '/api/tilesets/999999/placement', { lon: 107.5 }, 'field "lat" is required, got null'],
    ['POST', '/api/tilesets/999999/review', { state: 'done' }, 'field "state" must be one of draft, verified, published, got "done"'],
    ['POST', '/api/models/999999/review', { state: 1 }, 'field "state" must be a string, got 1'],
    // tours
    ['POST', '/api/tours', { title: { zh: 5 } }, 'field "title.zh" must be a string, got 5'],
    ['POST', '/api/tours', { summary: { zh: '简介' } }, 'field "title" is required, got null'],
    ['POST', '/api/tours/generate', { carrierIds: [] }, 'field "carrierIds" must have at least 1 items, got []'],
    ['PUT', '/api/tours/999999', { parkId: 'a' }, 'field "parkId" must be an integer or null, got "a"'],
    ['POST', '/api/tours/999999/review', { state: 'public' }, 'field "state" must be one of draft, verified, published, got "public"'],
    ['POST', '/api/tours/999999/stops', { dwellS: 0 }, 'field "dwellS" must be within 1..600, got 0'],
    ['PUT', '/api/tours/999999/stops/1', { camera: { zoom: 30 } }, 'field "camera.zoom" must be within 0..22, got 30'],
    ['PUT', '/api/tours/999999/order', { stopIds: ['a'] }, 'field "stopIds[0]" must be an integer, got "a"'],
    // selection: the brief's schema at the route, then its rules between fields (toBrief)
    ['POST', '/api/site-selection', { limit: 0 }, 'field "limit" must be within 1..500, got 0'],
    ['POST', '/api/site-selection', { areaMu: { min: 'abc' } }, 'field "areaMu.min" must be a number or null, got "abc"'],
    ['POST', '/api/site-selection', { near: { lon: 107.5, lat: 95, radiusM: 100 } }, 'field "near.lat" must be within -90..90, got 95'],
    ['POST', '/api/site-selection', { preferences: { price: { ideal: 'low' } } }, 'field "preferences.price.ideal" must be a number, got "low"'],
    ['POST', '/api/site-selection', { weights: { price: 90 } }, 'field "weights" must sum to 100 ± 0.01 (they sum to 90), got {"price":90}'],
    ['POST', '/api/site-selection', { priceMin: 5, priceMax: 2 }, 'field "priceMin" must be ≤ priceMax (2), got 5'],
    ['POST', '/api/shortlists', { clientName: 'X', brief: { layers: ['parks'] } }, 'field "brief.layers[0]" must be one of land, factories, offices, got "parks"'],
    ['POST', '/api/shortlists', { clientName: 'X', brief: { areaM2: { min: 5, max: 1 } } }, 'field "brief.areaM2" must have min ≤ max, got {"min":5,"max":1}'],
    ['POST', '/api/shortlists', { clientName: '  ' }, 'field "clientName" must not be blank, got "  "'],
  ])('%s %s %j', async (method, path, body, message) => {
    const error = await refused(method, path, body);
    expect(error.message).toBe(message);
  });

  it('lists a body field in error.fields with the short reason', async () => {
    const error = await refused('POST', '/api/tours/999999/review', { state: 'public' }, EN);
    expect(error.fields).toEqual([{ field: 'state', value: 'public', message: 'must be one of draft, verified, published' }]);
    expect(error).toMatchObject({ field: 'state', value: 'public' });
  });
});

describe('in the caller\'s language', () => {
  it('answers in Chinese when Accept-Language asks for it, in English otherwise', async () => {
    const zh = await refused('POST', '/api/tilesets/999999/placement', { lon: 200, lat: 31 }, ZH);
    expect(zh.message).toBe('字段 "lon" 必须在 -180..180 之间，收到 200');
    expect(zh.fields).toEqual([{ field: 'lon', value: 200, message: '必须在 -180..180 之间' }]);
    const en = await refused('POST', '/api/tilesets/999999/placement', { lon: 200, lat: 31 }, EN);
    expect(en.message).toBe('field "lon" must be within -180..180, got 200');
  });

  it('takes ?lang= over Accept-Language, for queries too', async () => {
    const res = await api('/api/enquiries?limit=0&lang=zh', { cookie: admin, headers: EN });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('参数 "limit" 必须在 1..200 之间，收到 "0"');
    const tours = await refused('POST', '/api/tours?lang=zh', { title: { zh: '导览', en: 7 } }, EN);
    expect(tours.message).toBe('字段 "title.en" 必须是文字，收到 7');
  });

  it('a brief answers in the caller\'s language, for its schema and for its rules between fields', async () => {
    const zh = await refused('POST', '/api/site-selection', { areaMu: { min: 'abc' } }, ZH);
    expect(zh.message).toBe('字段 "areaMu.min" 必须是数字或null，收到 "abc"');
    expect(zh.fields).toEqual([{ field: 'areaMu.min', value: 'abc', message: '必须是数字或null' }]);
    const rule = await refused('POST', '/api/site-selection', { weights: { price: 90 } }, ZH);
    expect(rule.message).toBe('字段 "weights" 之和必须为 100 ± 0.01（现在是 90），收到 {"price":90}');
    expect(rule.fields).toEqual([{ field: 'weights', value: { price: 90 }, message: '之和必须为 100 ± 0.01（现在是 90）' }]);
    const bodyLang = await refused('POST', '/api/site-selection', { lang: 'zh', within: { type: 'Polygon', coordinates: [[[107, 31], [107.1, 31], [107, 31]]] } }, EN);
    expect(bodyLang.message).toBe('字段 "within.coordinates[0]" 必须是至少 4 个点的环，收到 [[107,31],[107.1,31],[107,31]]');
    const en = await refused('POST', '/api/site-selection', { sort: 'beauty' }, EN);
    expect(en.message).toBe('field "sort" must be "score", "id" or a criterion, optionally prefixed with - (descending) or + (ascending), got "beauty"');
  });

  it('the public enquiry form answers in Chinese by default, in English when its body says lang: en', async () => {
    const zh = await api('/api/enquiries', { method: 'POST', body: JSON.stringify({ company: 12, contactPerson: '张三', phone: '13800138000' }) });
    expect(zh.status).toBe(400);
    const zhError = (await zh.json()).error;
    expect(zhError.message).toBe('字段 "company" 必须是文字，收到 12');
    expect(zhError.fields).toEqual([{ field: 'company', value: 12, message: '必须是文字' }]);
    const en = await api('/api/enquiries', { method: 'POST', body: JSON.stringify({ company: 'ACME', contactPerson: 'Ann', email: 'a@acme.example', lang: 'en', parkId: 1.5 }) });
    expect(en.status).toBe(400);
    expect((await en.json()).error.message).toBe('field "parkId" must be an integer or a string, got 1.5');
  });
});
