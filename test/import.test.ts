/**
 * Survey import end to end through the HTTP API and the CLI, on real third-party files, checked
 * against GDAL (ogr2ogr) and PostGIS as independent tools.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type pg from 'pg';
import { ROOT_DIR } from '../core/config.ts';
import { fixture, hasFixtures } from './fixtures.ts';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { writeParcelsSeq } from '../bench/bench-data.ts';
import { api, baseUrl, testPool, userWithRole } from './helpers.ts';
import { createImportService } from '../survey-import/pipeline/create.ts';
import { LocalAssetStore } from '../assets/storage.ts';

const run = promisify(execFile);
let pool: pg.Pool;
let staff: string;
let reviewer: string;

beforeAll(async () => {
  pool = testPool();
  staff = await userWithRole('staff');
  reviewer = await userWithRole('reviewer');
});
afterAll(async () => {
  await pool.end();
});

/** POST /api/imports with real files, as the Upload page does. */
async function upload(layer: string, files: string[], fields: Record<string, string> = {}, cookie = staff) {
  const form = new FormData();
  form.set('layer', layer);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('file', new Blob([fs.readFileSync(f)]), path.basename(f));
  const res = await api('/api/imports', { method: 'POST', body: form, cookie });
  return { status: res.status, body: await res.json() };
}

/** Path of the stored original with this hash, or null. */
function storedPath(sha256: string): string | null {
  const dir = path.join(inject('dataDir'), 'assets', 'originals', sha256.slice(0, 2), sha256.slice(2, 4));
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.startsWith(sha256)) : undefined;
  return name ? path.join(dir, name) : null;
}

const post = (p: string, body?: unknown, cookie = staff) =>
  api(p, { method: 'POST', cookie, body: body ? JSON.stringify(body) : undefined }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe.runIf(hasFixtures())('survey import', () => {
  it('reads a projected shapefile of parcels, repairs the invalid one with a warning, matches GDAL positions, and rejects every parcel outside the service area', async () => {
    const zip = fixture('vector/shapefile/ma_senate_epsg26986.zip');
    const { status, body } = await upload('land', [zip], { lang: 'en' });
    expect(status).toBe(201);
    const b = body.batch;
    expect(b.status).toBe('validated');
    expect(b.summary.total).toBe(40);
    // Massachusetts is ~11,800 km from Dazhou: every parcel is rejected, naming it and the distance.
    expect(b.summary.rejected).toBe(40);
    expect(b.summary.crs.join(' ')).toContain('EPSG:26986');
    const issues = (await (await api(`/api/imports/${b.id}/issues?lang=en`, { cookie: staff })).json()).issues;
    const repaired = issues.filter((i: { code: string }) => i.code === 'geometry_repaired');
    expect(repaired.length).toBe(1);
    expect(repaired[0].file).toBe('ma_senate_epsg26986.zip');
    expect(repaired[0].value).toMatch(/Self-intersection/i);
    expect(repaired[0].message).toMatch(/repaired/);
    const outside = issues.filter((i: { code: string }) => i.code === 'outside_service_area');
    expect(outside.length).toBe(40);
    for (const o of outside) expect(o.message).toMatch(/ lies 1[12][0-9]{3}(\.[0-9])? km outside the service area/);
    expect((await post(`/api/imports/${b.id}/commit`)).body.batch.status).toBe('committed');
    expect((await pool.query('SELECT count(*)::int n FROM carriers WHERE batch_id = $1', [b.id])).rows[0].n).toBe(0);

    // Independent reference: GDAL reprojects the same file to WGS84; the staged geometries agree.
    const { stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '/vsistdout/', `/vsizip/${zip}`], { maxBuffer: 64 * 1024 * 1024 });
    const gdal = JSON.parse(stdout);
    const { rows } = await pool.query(
      `SELECT i.raw->>'SEN_DIST' dist, ST_X(ST_Centroid(i.geom)) x, ST_Y(ST_Centroid(i.geom)) y, ST_Area(i.geom::geography) area_m2, (i.raw->>'SHAPE_AREA')::float8 shape_area
       FROM import_items i WHERE i.batch_id = $1`, [b.id]);
    expect(rows.length).toBe(40);
    for (const r of rows) {
      const g = gdal.features.find((f: { properties: { SEN_DIST: string } }) => f.properties.SEN_DIST === r.dist);
      const { rows: ref } = await pool.query('SELECT ST_X(ST_Centroid(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)))) x, ST_Y(ST_Centroid(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)))) y', [JSON.stringify(g.geometry)]);
      // Centroids agree within ~1 m (1e-5°).
      expect(Math.abs(r.x - ref[0].x), r.dist).toBeLessThan(1e-5);
      expect(Math.abs(r.y - ref[0].y), r.dist).toBeLessThan(1e-5);
      // The DBF's own SHAPE_AREA (m² in the state plane) agrees with our ellipsoidal area within 0.5 %.
      expect(Math.abs(r.area_m2 / r.shape_area - 1), r.dist).toBeLessThan(0.005);
    }
  });

  it('keeps imported drafts from the public until a reviewer publishes them, and undo removes exactly the batch', async () => {
    const before = (await (await api('/api/layers/land/features?limit=1')).json()).numberMatched;
    // 14 parcels in Dazhou (inside the service area).
    const sq = (i: number) => { const x = 107.43 + (i % 7) * 0.003; const y = 31.25 + Math.floor(i / 7) * 0.003; return [[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]; };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drafts-')), 'drafts.geojson');
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: 14 }, (_, i) => ({ type: 'Feature', properties: { DKBH: `DRAFT-${process.pid}-${i}` }, geometry: { type: 'Polygon', coordinates: sq(i) } })) }));
    const { body } = await upload('land', [file]);
    const id = body.batch.id;
    expect(body.batch.summary.total).toBe(14);
    await post(`/api/imports/${id}/commit`);
    expect((await (await api('/api/layers/land/features?limit=1')).json()).numberMatched).toBe(before);
    const staffCount = (await (await api('/api/layers/land/features?limit=1', { cookie: staff })).json()).numberMatched;

    expect((await post(`/api/imports/${id}/review`, { state: 'published' }, staff)).status).toBe(403);
    // Part of a batch first (by code): only those two are published, and the batch is not marked reviewed.
    const part = await post(`/api/imports/${id}/review`, { state: 'published', codes: [`DRAFT-${process.pid}-0`, `DRAFT-${process.pid}-1`] }, reviewer);
    expect([part.status, part.body.features, part.body.batch.reviewState]).toEqual([200, 2, null]);
    expect((await (await api('/api/layers/land/features?limit=1')).json()).numberMatched).toBe(before + 2);
    expect((await post(`/api/imports/${id}/review`, { state: 'published', codes: [] }, reviewer)).status).toBe(400);
    const reviewed = await post(`/api/imports/${id}/review`, { state: 'published' }, reviewer);
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.features).toBe(14);
    expect(reviewed.body.batch.reviewState).toBe('published');
    expect((await (await api('/api/layers/land/features?limit=1')).json()).numberMatched).toBe(before + 14);

    const undone = await post(`/api/imports/${id}/undo`);
    expect(undone.body.batch.status).toBe('undone');
    expect((await (await api('/api/layers/land/features?limit=1')).json()).numberMatched).toBe(before);
    expect((await (await api('/api/layers/land/features?limit=1', { cookie: staff })).json()).numberMatched).toBe(staffCount - 14);
    const { rows } = await pool.query('SELECT count(*) n FROM carriers WHERE batch_id = $1', [id]);
    expect(rows[0].n).toBe(0);
  });

  it('imports nothing new when the same files are uploaded again', async () => {
    const file = fixture('gps/garmin_connect_run.gpx');
    const first = await upload('tracks', [file]);
    await post(`/api/imports/${first.body.batch.id}/commit`);
    const again = await upload('tracks', [file]);
    expect(again.status).toBe(200);
    expect(again.body.batch.duplicateOf).toBe(first.body.batch.id);
    const { rows } = await pool.query('SELECT count(*) n FROM tracks WHERE batch_id = $1', [first.body.batch.id]);
    expect(rows[0].n).toBe(1);
    // Undo, so the browser upload test (same server, any file order) can upload this track afresh.
    expect((await post(`/api/imports/${first.body.batch.id}/undo`)).body.batch.status).toBe('undone');
  });

  it('checks every parcel of an upload in PostGIS: duplicate codes, wrong types, repairs, declared areas, updates by code, and undo restores', async () => {
    // A demo carrier (the demo's carriers come through its own import batches, recorded in its setting).
    const existing = (await pool.query(`SELECT code, name FROM carriers WHERE batch_id IN
      (SELECT jsonb_array_elements_text(value->'batches')::bigint FROM settings WHERE key = 'demo_seeded') ORDER BY id LIMIT 1`)).rows[0];
    const square = (lon: number, lat: number, d = 0.002) => ({ type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] });
    const features = [
      { type: 'Feature', properties: { DKBH: 'CHK-1', DKMC: '甲' }, geometry: square(107.45, 31.2) },
      { type: 'Feature', properties: { DKBH: 'CHK-1', DKMC: '甲 again' }, geometry: square(107.46, 31.2) },
      // A bow tie: self-intersecting, repaired with a warning.
      { type: 'Feature', properties: { DKBH: 'CHK-2' }, geometry: { type: 'Polygon', coordinates: [[[107.47, 31.2], [107.472, 31.202], [107.472, 31.2], [107.47, 31.202], [107.47, 31.2]]] } },
      { type: 'Feature', properties: { DKBH: 'CHK-3', MJ: '1' }, geometry: square(107.48, 31.2) },
      { type: 'Feature', properties: { DKBH: 'CHK-4' }, geometry: { type: 'Point', coordinates: [107.49, 31.2] } },
      { type: 'Feature', properties: { DKBH: existing.code, DKMC: '更新后的名称' }, geometry: square(107.5, 31.2) },
    ];
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checks-')), 'checks.geojsonl');
    fs.writeFileSync(file, features.map((f) => JSON.stringify(f)).join('\n') + '\n');
    const { status, body } = await upload('land', [file]);
    expect(status).toBe(201);
    const id = body.batch.id;
    expect(body.batch.summary).toMatchObject({ total: 6, rejected: 2, updates: 1 });
    const { rows: items } = await pool.query(
      `SELECT file_index, status, action, issues FROM import_items WHERE batch_id = $1 ORDER BY idx`, [id]);
    const item = (i: number) => items.find((r) => r.file_index === i)!;
    const messages = (i: number) => item(i).issues.map((x: { message: string }) => x.message).join(' | ');
    expect(item(0)).toMatchObject({ status: 'valid', action: 'insert' });
    expect(item(1)).toMatchObject({ status: 'rejected', action: null });
    expect(item(1).issues).toContainEqual(expect.objectContaining({ file: 'checks.geojsonl', index: 1, field: 'code', value: 'CHK-1', severity: 'error' }));
    expect(messages(1)).toContain('duplicate parcel code within this upload');
    expect(item(2)).toMatchObject({ status: 'warning', action: 'insert' });
    expect(item(2).issues).toContainEqual(expect.objectContaining({ field: 'geometry', value: expect.stringMatching(/Self-intersection/i), severity: 'warning' }));
    expect(item(3)).toMatchObject({ status: 'warning', action: 'insert' });
    expect(item(3).issues).toContainEqual(expect.objectContaining({ field: 'area', value: 1, severity: 'warning' }));
    expect(item(4)).toMatchObject({ status: 'rejected', action: null });
    expect(messages(4)).toContain('geometry type POINT does not fit this layer (needs polygon)');
    expect(item(5)).toMatchObject({ status: 'valid', action: 'update' });

    expect((await post(`/api/imports/${id}/commit`)).body.batch.status).toBe('committed');
    const { rows: mine } = await pool.query(
      `SELECT c.code, c.name, c.review_state FROM import_items i JOIN carriers c ON c.id = i.target_id WHERE i.batch_id = $1 ORDER BY c.code`, [id]);
    expect(mine.map((r) => r.code)).toEqual(['CHK-1', 'CHK-2', 'CHK-3', existing.code].sort());
    expect(mine.find((r) => r.code === existing.code)).toMatchObject({ name: '更新后的名称', review_state: 'draft' });
    expect(mine.find((r) => r.code === 'CHK-1')!.name).toBe('甲');

    expect((await post(`/api/imports/${id}/undo`)).body.batch.status).toBe('undone');
    const { rows: after } = await pool.query(`SELECT code, name FROM carriers WHERE code = ANY($1) ORDER BY code`, [['CHK-1', 'CHK-2', 'CHK-3', existing.code]]);
    expect(after).toEqual([existing]);
  });

  it('rejects a zip without a .shp naming the file, and leaves no data behind', async () => {
    const before = (await pool.query('SELECT count(*) n FROM carriers')).rows[0].n;
    const { status, body } = await upload('land', [fixture('vector/shapefile/zip_without_shp.zip')]);
    expect(status).toBe(400);
    expect(body.error.message).toContain('zip_without_shp.zip');
    expect((await pool.query('SELECT count(*) n FROM carriers')).rows[0].n).toBe(before);
  });

  it('reports every bad coordinate of a GPX file with the element and value, never (0,0)', async () => {
    const { body } = await upload('tracks', [fixture('gps/bad_coords.gpx')]);
    const issues = (await (await api(`/api/imports/${body.batch.id}/issues`, { cookie: staff })).json()).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((i: { value: unknown }) => String(i.value).includes('undefined'))).toBe(true);
    const items = await (await api(`/api/imports/${body.batch.id}/items`, { cookie: staff })).json();
    for (const f of items.features) {
      if (f.geometry?.type === 'Point') expect(f.geometry.coordinates).not.toEqual([0, 0]);
    }
  });

  it('imports drone photos with GPS and keeps those without a position', async () => {
    const dir = fixture('drone');
    const files = [
      'dji_mavic2pro_hasselblad_L1D-20c.jpg', 'dji_zenmuse_h20t_thermal.jpg', 'ebee_canon_s110_tiny_1.jpg',
      'no-gps/no_exif_at_all.jpg', 'no-gps/dji_m2ea_thermal_gps_stripped.jpg',
    ].map((f) => path.join(dir, f));
    const { body } = await upload('photos', files);
    expect(body.batch.summary.total).toBe(5);
    expect(body.batch.summary.rejected).toBe(0);
    await post(`/api/imports/${body.batch.id}/commit`);
    const { rows } = await pool.query('SELECT file_name, ST_X(geom) lon, ST_Y(geom) lat, rel_altitude_m, heading, footprint IS NOT NULL has_fp FROM photos WHERE batch_id = $1 ORDER BY file_name', [body.batch.id]);
    expect(rows.length).toBe(5);
    const mavic = rows.find((r) => r.file_name.startsWith('dji_mavic2pro'))!;
    // EXPECTED.md: exiftool -n values rounded to 6 dp; tolerance 1e-6°.
    expect(Math.abs(mavic.lat - 47.354184)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(mavic.lon - 10.191316)).toBeLessThanOrEqual(1e-6);
    expect(mavic.rel_altitude_m).toBeCloseTo(125.3, 2);
    const noGps = rows.filter((r) => r.file_name.includes('no_exif') || r.file_name.includes('stripped'));
    expect(noGps.length).toBe(2);
    for (const r of noGps) expect(r.lon).toBeNull();
  });

  it('imports from the command line through the running server and prints a JSON summary', async () => {
    const env = {
      ...process.env,
      DATA_DIR: inject('dataDir'),
      DB_SCHEMA: inject('dbSchema'),
      DATABASE_URL: inject('dbEngine') === 'postgres' ? process.env.DATABASE_URL ?? '' : '',
    };
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const { stdout } = await run(tsx, ['survey-import/cli.ts', '--layer', 'tracks', '--json', fixture('gps/strava_run_heartrate.gpx')], { cwd: ROOT_DIR, env });
    const out = JSON.parse(stdout);
    expect(out.status).toBe('committed');
    expect(out.imported).toBe(1);
    expect(out.rejected).toBe(0);
    const { rows } = await pool.query('SELECT count(*) n FROM tracks WHERE batch_id = $1', [out.batchId]);
    expect(rows[0].n).toBe(1);
  });

  it('exits non-zero from the command line and commits nothing when items are rejected', async () => {
    const env = { ...process.env, DATA_DIR: inject('dataDir'), DB_SCHEMA: inject('dbSchema'), DATABASE_URL: inject('dbEngine') === 'postgres' ? process.env.DATABASE_URL ?? '' : '' };
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const err = await run(tsx, ['survey-import/cli.ts', '--layer', 'tracks', '--json', fixture('gps/latlon_bad_coord.csv')], { cwd: ROOT_DIR, env }).then(() => null, (e) => e);
    expect(err).not.toBeNull();
    expect(err.code).toBe(1);
    const out = JSON.parse(err.stdout);
    expect(out.rejected).toBeGreaterThan(0);
    expect(out.errors[0].file).toBe('latlon_bad_coord.csv');
    expect(out.status).toBe('validated');
    const { rows } = await pool.query('SELECT count(*) n FROM tracks WHERE batch_id = $1', [out.batchId]);
    expect(rows[0].n).toBe(0);
  });

  it('survives a kill in the middle of an import: nothing partial is committed, and a re-run imports each parcel once', async () => {
    const env = { ...process.env, DATA_DIR: inject('dataDir'), DB_SCHEMA: inject('dbSchema'), DATABASE_URL: inject('dbEngine') === 'postgres' ? process.env.DATABASE_URL ?? '' : '' };
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kill-')), 'parcels.geojsonl');
    writeParcelsSeq(file, 3000);
    const lastBatch = async () => Number((await pool.query('SELECT coalesce(max(id), 0) m FROM import_batches')).rows[0].m);
    const before = await lastBatch();
    const child = spawn(tsx, ['survey-import/cli.ts', '--layer', 'land', '--json', file], { cwd: ROOT_DIR, env, stdio: 'ignore', detached: true });
    // Kill the whole process group as soon as the batch exists, i.e. while it is being staged.
    for (let i = 0; i < 600 && (await lastBatch()) === before; i++) await new Promise((r) => setTimeout(r, 50));
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const killed = await lastBatch();
    expect(killed).toBeGreaterThan(before);
    const { rows: partial } = await pool.query(`SELECT count(*) n FROM carriers WHERE code LIKE 'BENCH-%'`);
    expect(partial[0].n).toBe(0);

    // The killed batch is stuck in progress until recovery, which the server runs at start (every
    // batch on the embedded database, batches without a heartbeat for 2 min on PostgreSQL) and
    // every minute; run here as it runs at the start of an embedded server.
    const stuck = (await pool.query('SELECT status FROM import_batches WHERE id = $1', [killed])).rows[0].status;
    expect(['uploaded', 'parsed']).toContain(stuck);
    expect(await createImportService(pool, inject('dataDir')).recoverInterrupted(0)).toBe(1);
    const { rows: [failed] } = await pool.query(
      'SELECT status, error, files, (SELECT count(*) FROM import_items WHERE batch_id = $1)::int AS items FROM import_batches WHERE id = $1', [killed]);
    expect(failed).toMatchObject({ status: 'failed', error: 'interrupted while staging (process stopped); upload the files again', items: 0 });
    // Staff delete it with its stored original.
    const original = storedPath(failed.files[0].sha256);
    expect(original).not.toBeNull();
    const del = await api(`/api/imports/${killed}`, { method: 'DELETE', cookie: staff, headers: { origin: new URL(baseUrl()).origin } });
    expect({ status: del.status, body: await del.json() }).toEqual({ status: 200, body: { id: killed, deleted: true, originalsRemoved: 1 } });
    expect(fs.existsSync(original!)).toBe(false);
    expect((await pool.query('SELECT count(*)::int n FROM import_batches WHERE id = $1', [killed])).rows[0].n).toBe(0);

    const { stdout } = await run(tsx, ['survey-import/cli.ts', '--layer', 'land', '--json', file], { cwd: ROOT_DIR, env, maxBuffer: 64 * 1024 * 1024 })
      .catch((e) => {
        throw new Error(`${e.message}\n${String(e.stdout).slice(0, 2000)}\n${String(e.stderr).slice(0, 2000)}`);
      });
    const out = JSON.parse(stdout);
    expect(out.status).toBe('committed');
    expect(out.imported).toBe(3000);
    const { rows } = await pool.query(`SELECT count(*) n, count(DISTINCT code) codes FROM carriers WHERE code LIKE 'BENCH-%'`);
    expect(rows[0].n).toBe(3000);
    expect(rows[0].codes).toBe(3000);
    // Clean up so other tests see only the demo data and their own imports.
    await post(`/api/imports/${out.batchId}/undo`);
  }, 180_000);
});

describe('deleting batches and collecting stored originals', () => {
  const del = (id: number, cookie = staff) => api(`/api/imports/${id}`, { method: 'DELETE', cookie, headers: { origin: new URL(baseUrl()).origin } })
    .then(async (r) => ({ status: r.status, body: await r.json() }));
  const uploadText = async (name: string, text: string, layer = 'amenities') => {
    const form = new FormData();
    form.set('layer', layer);
    form.append('file', new Blob([text]), name);
    const res = await api('/api/imports', { method: 'POST', body: form, cookie: staff, headers: { origin: new URL(baseUrl()).origin } });
    return { status: res.status, body: await res.json() };
  };

  it('deletes an uncommitted batch with its staged items and original; refuses committed ones and other roles', async () => {
    const csv = `lon,lat,kind,name\n107.51,31.21,school,删除测试 ${Date.now()}\n`;
    const up = await uploadText('delete-me.csv', csv);
    expect(up.status).toBe(201);
    const id = up.body.batch.id;
    const original = storedPath(up.body.batch.files[0].sha256);
    expect(original).not.toBeNull();
    expect((await del(id, await userWithRole('officer'))).status).toBe(403);
    expect(await del(id)).toEqual({ status: 200, body: { id, deleted: true, originalsRemoved: 1 } });
    expect(fs.existsSync(original!)).toBe(false);
    expect((await pool.query('SELECT count(*)::int n FROM import_items WHERE batch_id = $1', [id])).rows[0].n).toBe(0);
    expect((await del(id)).status).toBe(404);

    const again = await uploadText('commit-me.csv', csv.replace('删除测试', '提交测试'));
    const committed = again.body.batch.id;
    expect((await post(`/api/imports/${committed}/commit`)).status).toBe(200);
    expect(await del(committed)).toEqual({ status: 409, body: { error: { code: 'conflict', message: `batch ${committed} is committed; only a failed or an uncommitted (validated) batch can be deleted; undo it first` } } });
    expect((await post(`/api/imports/${committed}/undo`)).status).toBe(200);
  });

  it('keeps an original that another batch still refers to', async () => {
    const csv = `lon,lat,kind,name\n107.52,31.22,school,共享 ${Date.now()}\n`;
    const a = await uploadText('shared.csv', csv);
    const b = await uploadText('shared.csv', csv, 'tracks');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await del(a.body.batch.id)).toEqual({ status: 200, body: { id: a.body.batch.id, deleted: true, originalsRemoved: 0 } });
    expect(storedPath(b.body.batch.files[0].sha256)).not.toBeNull();
    expect((await del(b.body.batch.id)).body.originalsRemoved).toBe(1);
  });

  it('collects originals nothing refers to, after a grace period, and keeps every referenced one', async () => {
    const store = new LocalAssetStore(inject('dataDir'));
    const orphan = await store.put(new TextEncoder().encode(`orphan ${Date.now()}`), { ext: 'csv' });
    await store.putDerived(orphan.sha256, 'thumbnail', new TextEncoder().encode('thumb'), { ext: 'jpg' });
    const referenced = (await pool.query(`SELECT sha256 FROM photos LIMIT 1`)).rows[0]?.sha256 as string | undefined;
    const service = createImportService(pool, inject('dataDir'));
    // Within the grace period nothing goes.
    expect(await service.collectGarbage(3600_000)).toBe(0);
    expect(fs.existsSync(orphan.path)).toBe(true);
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(orphan.path, old, old);
    expect(await service.collectGarbage(3600_000)).toBe(1);
    expect(fs.existsSync(orphan.path)).toBe(false);
    expect(await store.find(orphan.sha256, 'thumbnail')).toBeNull();
    if (referenced) expect(storedPath(referenced)).not.toBeNull();
  });

  it('knows every column that names a stored file (garbage collection must not miss one)', async () => {
    const { rows } = await pool.query(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = current_schema() AND column_name LIKE '%sha256' AND column_name <> 'token_sha256' ORDER BY 1, 2`);
    const sql = fs.readFileSync(path.join(ROOT_DIR, 'survey-import/pipeline/import.sql'), 'utf8');
    const query = sql.slice(sql.indexOf('-- name: referencedOriginals'));
    expect(rows.length).toBeGreaterThan(0);
    for (const { t, c } of rows) expect(query, `${t}.${c}`).toMatch(new RegExp(`SELECT ${c} FROM ${t}\\b`));
    expect(query).toContain(`jsonb_array_elements(b.files)`);
  });
});
