/**
 * OSGB oblique models (issue 13 item 2) and the conformance of every tileset the server writes
 * (item 4), over HTTP on both engines:
 *
 * - a three-level ContextCapture-style export built here with osgconv (test/oblique-export.ts),
 *   zipped and uploaded as staff would, in CGCS2000 Gauss-Krüger (EPSG:4545 and the zone-prefixed
 *   EPSG:4524): the tileset keeps the PagedLOD tree (ranges → geometric errors 16 / 8 / 0), every glb
 *   is valid under Khronos' glTF validator, it is placed from metadata.xml (PostGIS reprojection,
 *   grid convergence in the root transform) and reviewed/served like an uploaded tileset;
 * - the real fixture tile (../shared/fixtures/oblique) as the root of an export: its 112 + 2
 *   triangles and its 256 × 128 JPEG texture survive;
 * - bad exports refused naming the file, in Chinese and English: at once (202 never sent) for what
 *   needs no .osgb read, else as the failure of the background conversion job;
 * - conversion jobs: 202 and a job polled to done, roles, a corrupt or killed conversion and a
 *   restart leave a failed job naming the file and no tileset, rows or work files;
 * - the demo tileset's tiles are 8-byte aligned, and no tileset the server writes (demo, uploads,
 *   the `?compat=single-content` rewrites) has a child whose geometric error exceeds its parent's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import type pg from 'pg';
import validator from 'gltf-validator';
import { api, testPool, userWithRole } from './helpers.ts';
import { fixture, hasFixtures } from './fixtures.ts';
import { buildObliqueExport, gridGeometry, hasOsgconv, osgtScene, writeOsgb } from './oblique-export.ts';
import { parseGlb } from '../survey-import/three-d/tile-formats.ts';
import { DEFAULT_ZIP_LIMITS } from '../survey-import/three-d/safe-zip.ts';
import { LocalAssetStore } from '../assets/storage.ts';
import { ThreeDRepository } from '../server/three-d/three-d.repository.ts';
import { TilesetJobService } from '../server/three-d/tileset-jobs.service.ts';

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

const zip = (files: Map<string, Uint8Array>, top = '') => zipSync(Object.fromEntries([...files].map(([k, v]) => [top + k, v])));

type Job = { id: number; state: string; stage: string; stage_label: { zh: string; en: string }; progress: number; error: { message: string; zh: string; en: string; reason: string | null; file: string | null } | null; tileset_id: number | null; warnings: string[] };

/** Polls a conversion job until it ends; the stages and progress values seen on the way. */
async function waitForJob(id: number, query = '', cookie = staff): Promise<{ job: Job; seen: { stage: string; progress: number }[] }> {
  const seen: { stage: string; progress: number }[] = [];
  for (let i = 0; i < 600; i++) {
    const res = await api(`/api/tilesets/jobs/${id}${query}`, { cookie });
    expect(res.status).toBe(200);
    const job = (await res.json()).job as Job;
    seen.push({ stage: job.stage, progress: job.progress });
    if (job.state === 'done' || job.state === 'failed') return { job, seen };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not end`);
}

/**
 * Uploads a zip as staff. An OSGB export answers 202 with a job: it is followed to its end, and a
 * done job gives the same answer a synchronous upload did ({id, tileset, warnings}, status 201);
 * a failed one gives status 'failed' and the job's error.
 */
async function upload(bytes: Uint8Array, name: string, query = '', headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await api(`/api/tilesets${query}`, { method: 'POST', body: form, cookie: staff, headers });
  const body = await res.json();
  if (res.status !== 202) return { status: res.status as number | 'failed', body, job: null as Job | null };
  expect(res.headers.get('location')).toBe(`/api/tilesets/jobs/${body.job.id}`);
  const { job } = await waitForJob(body.job.id, query);
  if (job.state === 'failed') return { status: 'failed' as const, body: { error: job.error! }, job };
  const tileset = (await (await api(`/api/tilesets/${job.tileset_id}`, { cookie: staff })).json()).tileset;
  return { status: 201 as const, body: { id: job.tileset_id, tileset, warnings: job.warnings, url: tileset.url }, job };
}

async function served(id: number, path: string, cookie = staff): Promise<Uint8Array> {
  const res = await api(`/3dtiles/${id}/${path}`, { cookie });
  expect(res.status, path).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

type TileJson = { geometricError: number; content?: { uri: string }; children?: TileJson[]; transform?: number[]; boundingVolume: Record<string, number[]> };

/** Geometric errors never grow from a parent to its child (3d-tiles-validator TILE_GEOMETRIC_ERRORS_INCONSISTENT). */
function inconsistentErrors(tileset: { geometricError: number; root: TileJson }): string[] {
  const out: string[] = [];
  if (tileset.root.geometricError > tileset.geometricError) out.push(`root ${tileset.root.geometricError} > tileset ${tileset.geometricError}`);
  const walk = (t: TileJson, where: string) => (t.children ?? []).forEach((c, i) => {
    if (c.geometricError > t.geometricError) out.push(`${where}.children[${i}] ${c.geometricError} > ${t.geometricError}`);
    walk(c, `${where}.children[${i}]`);
  });
  walk(tileset.root, 'root');
  return out;
}

const contents = (t: TileJson): string[] => [...(t.content ? [t.content.uri] : []), ...(t.children ?? []).flatMap(contents)];

async function gltfIssues(glb: Uint8Array): Promise<{ errors: number; warnings: number; messages: string[] }> {
  const report = await validator.validateBytes(glb);
  return {
    errors: report.issues.numErrors, warnings: report.issues.numWarnings,
    messages: report.issues.messages.filter((m: { severity: number }) => m.severity <= 1).map((m: { code: string; message: string; pointer?: string }) => `${m.code} ${m.pointer ?? ''}: ${m.message}`),
  };
}

const osgconv = hasOsgconv();

describe.runIf(osgconv)('OSGB oblique export upload', () => {
  const exportFiles = buildObliqueExport({ srs: 'EPSG:4545', origin: '443800,3455800,300', z0: 12 });

  it('converts a three-level export into a 3D Tiles 1.1 tileset that keeps the LOD tree, placed from metadata.xml', async () => {
    const r = await upload(zip(exportFiles, 'park-oblique/'), 'park-oblique.zip');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const t = r.body.tileset;
    expect(t.version).toBe('1.1');
    expect(t.review_state ?? 'draft').toBe('draft');
    // EPSG:4545 (CM 108°E) 443800 / 3455800 is west of Dazhou's centre meridian; PostGIS is the reference.
    const ref = (await pool.query(`SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(443800, 3455800), 4545), 4326) g) s`)).rows[0];
    expect(t.lon).toBeCloseTo(ref.lon, 7);
    expect(t.lat).toBeCloseTo(ref.lat, 7);
    expect(t.lon).toBeGreaterThan(107.3);
    expect(t.lon).toBeLessThan(107.5);
    // The model's ground (local z 12 m) sits on the map.
    expect(t.height).toBeCloseTo(-12, 3);
    expect(r.body.warnings.join(' ')).toMatch(/elevation 312\.00 m/);

    // Public cannot see the draft; staff can.
    expect((await api(`/3dtiles/${t.id}/tileset.json`)).status).toBe(404);
    const json = JSON.parse(new TextDecoder().decode(await served(t.id, 'tileset.json')));
    expect(json.asset.version).toBe('1.1');
    const root = json.root as TileJson;
    // root (content-less) → Tile_+000_+000 (16) → two L17 halves (8) → one L18 leaf each (0).
    expect(root.children).toHaveLength(1);
    const top = root.children![0];
    expect(top.content!.uri).toBe('Data/Tile_+000_+000/Tile_+000_+000.glb');
    expect(top.geometricError).toBeCloseTo(16, 6);
    expect(top.children!.map((c) => c.content!.uri)).toEqual(['Data/Tile_+000_+000/Tile_+000_+000_L17_0_0.glb', 'Data/Tile_+000_+000/Tile_+000_+000_L17_0_1.glb']);
    expect(top.children!.map((c) => c.geometricError)).toEqual([8, 8]);
    expect(top.children!.map((c) => c.children!.map((l) => [l.content!.uri, l.geometricError]))).toEqual([
      [['Data/Tile_+000_+000/Tile_+000_+000_L18_0.glb', 0]], [['Data/Tile_+000_+000/Tile_+000_+000_L18_1.glb', 0]],
    ]);
    expect(inconsistentErrors(json)).toEqual([]);
    // The placed root: ENU at the origin · the grid → ENU map (meridian convergence ≈ Δλ·sin φ ≈ -0.3°).
    const local = JSON.parse(new TextDecoder().decode(await served(t.id, 'tileset.json?compat=single-content')));
    expect(local.root.transform).toHaveLength(16);
    const stored = (await pool.query(`SELECT sha256 FROM tileset_entries WHERE tileset_id = $1 AND path = 'tileset.json'`, [t.id])).rows[0];
    expect(stored).toBeTruthy();

    // Every content is valid glTF (Khronos validator), textured and 8-byte aligned; the finest level has 8 × 8 cells.
    for (const uri of contents(root)) {
      const glb = await served(t.id, uri);
      expect(glb.length % 8, uri).toBe(0);
      const issues = await gltfIssues(glb);
      expect(issues.errors, `${uri}: ${issues.messages.join('; ')}`).toBe(0);
      expect(issues.warnings, `${uri}: ${issues.messages.join('; ')}`).toBe(0);
      const { json: g } = parseGlb(glb);
      expect(g.images[0].mimeType).toBe('image/jpeg');
      expect(g.materials[0].extensions.KHR_materials_unlit).toEqual({});
      const cells = /L18/.test(uri) ? 8 : /L17/.test(uri) ? 4 : 2;
      expect(g.accessors[g.meshes[0].primitives[0].indices].count, uri).toBe(cells * cells * 6);
    }

    // Reviewed and published like any tileset, then public.
    const pub = await api(`/api/tilesets/${t.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) });
    expect(pub.status).toBe(200);
    expect((await api(`/3dtiles/${t.id}/tileset.json`)).status).toBe(200);
  });

  it('places a zone-prefixed CGCS2000 Gauss-Krüger export (EPSG:4524, zone 36) where EPSG:4545 puts the same point', async () => {
    const r = await upload(zip(buildObliqueExport({ srs: 'EPSG:4524', origin: '36443800,3455800,0' })), 'zone36.zip');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ref = (await pool.query(`SELECT ST_X(g) AS lon, ST_Y(g) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(443800, 3455800), 4545), 4326) g) s`)).rows[0];
    expect(r.body.tileset.lon).toBeCloseTo(ref.lon, 7);
    expect(r.body.tileset.lat).toBeCloseTo(ref.lat, 7);
  });

  it('keeps the real ContextCapture fixture tile: its triangles and its JPEG texture', async () => {
    if (!hasFixtures()) return;
    const files = new Map<string, Uint8Array>([
      ['metadata.xml', new TextEncoder().encode('<?xml version="1.0"?><ModelMetadata version="1"><SRS>ENU:31.21,107.41</SRS><SRSOrigin>0,0,0</SRSOrigin></ModelMetadata>')],
      ['Data/Tile_+000_+000/Tile_+000_+000.osgb', new Uint8Array(fs.readFileSync(fixture('oblique/contextcapture_tile_+000_+000.osgb')))],
    ]);
    // Without its finer level the export is incomplete: refused naming both files.
    const missing = await upload(zip(files), 'fixture.zip', '?lang=en');
    expect(missing.status).toBe('failed');
    expect(missing.body.error.reason).toBe('missing_level');
    expect(missing.body.error.message).toBe('Data/Tile_+000_+000/Tile_+000_+000_L16_0.osgb, the finer level Data/Tile_+000_+000/Tile_+000_+000.osgb refers to, is not in the export (incomplete export)');
    expect(missing.body.error.zh).toContain('不在导出包中');
    // With a generated finer level (a leaf over the same area) it converts.
    const tmp = fs.mkdtempSync('/tmp/dz-l16-');
    writeOsgb(`${tmp}/l16.osgb`, osgtScene(['osg::Geode {', 'Drawables 1 {', gridGeometry(-161, -210, -128, -177, 6, 0, [90, 90, 90], 438), '}', '}'].join('\n')));
    files.set('Data/Tile_+000_+000/Tile_+000_+000_L16_0.osgb', new Uint8Array(fs.readFileSync(`${tmp}/l16.osgb`)));
    fs.rmSync(tmp, { recursive: true, force: true });
    const r = await upload(zip(files), 'fixture.zip');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const json = JSON.parse(new TextDecoder().decode(await served(r.body.id, 'tileset.json')));
    const top = json.root.children[0] as TileJson;
    // PIXEL_SIZE_ON_SCREEN, radius 36.6513, finer level from 36.6513 px: 16 · 2r / T = 32.
    expect(top.geometricError).toBeCloseTo(32, 6);
    expect(top.children!.map((c) => c.content!.uri)).toEqual(['Data/Tile_+000_+000/Tile_+000_+000_L16_0.glb']);
    const glb = await served(r.body.id, top.content!.uri);
    const issues = await gltfIssues(glb);
    expect(issues.errors, issues.messages.join('; ')).toBe(0);
    const { json: g, bin } = parseGlb(glb);
    const prims = g.meshes[0].primitives as { attributes: Record<string, number>; indices: number; material: number }[];
    expect(prims.map((p) => g.accessors[p.indices].count / 3)).toEqual([112, 2]);
    expect(g.accessors[prims[0].attributes.POSITION].count).toBe(194);
    expect(prims[0].attributes.TEXCOORD_0).toBeDefined();
    const view = g.bufferViews[g.images[0].bufferView];
    const jpeg = bin!.subarray(view.byteOffset ?? 0, (view.byteOffset ?? 0) + view.byteLength);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 128]);
    // The untextured geometry keeps its 0.501961 grey.
    expect(g.materials[prims[1].material].pbrMetallicRoughness.baseColorFactor[0]).toBeCloseTo(0.501961, 5);
    // Local vertices through the node translation stay inside the PagedLOD's sphere (centre -143.628 -197.907
    // 438.413, radius 36.6513, EXPECTED.md); glTF y is the height.
    const acc = g.accessors[prims[0].attributes.POSITION];
    const [tx, ty] = g.nodes[0].translation;
    expect(acc.min[0] + tx).toBeGreaterThan(-143.628 - 36.66);
    expect(acc.max[0] + tx).toBeLessThan(-143.628 + 36.66);
    expect(acc.min[1] + ty).toBeGreaterThan(438.413 - 36.66);
    expect(acc.max[1] + ty).toBeLessThan(438.413 + 36.66);
  });

  it('refuses bad exports naming the file, in Chinese and English', async () => {
    const noMeta = new Map([...exportFiles].filter(([k]) => k !== 'metadata.xml'));
    let r = await upload(zip(noMeta), 'no-meta.zip');
    // Without metadata.xml the zip still looks like an OSGB export (Data/Tile_*/…osgb).
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('no-meta.zip：没有 metadata.xml（ContextCapture 导出的根目录应有此文件，其 <SRS> 和 <SRSOrigin> 给出模型位置）');
    r = await upload(zip(noMeta), 'no-meta.zip', '', { 'accept-language': 'en-GB,en;q=0.8' });
    expect(r.body.error.message).toMatch(/^no-meta\.zip: no metadata\.xml/);

    const unknown = buildObliqueExport({ srs: 'EPSG:999999' });
    r = await upload(zip(unknown), 'unknown-srs.zip', '?lang=en');
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toBe('unknown_srs');
    expect(r.body.error.file).toBe('metadata.xml');
    expect(r.body.error.message).toContain('<SRS>EPSG:999999</SRS>');
    const geographic = buildObliqueExport({ srs: 'EPSG:4490', origin: '107.5,31.2,0' });
    r = await upload(zip(geographic), 'geographic.zip');
    expect(r.body.error.message).toContain('EPSG:4490 不是以米为单位的投影坐标系');
    r = await upload(zip(buildObliqueExport({ srs: 'LOCAL_CS["x"]' })), 'local.zip', '?lang=en');
    expect(r.body.error.reason).toBe('unknown_srs');

    const incomplete = buildObliqueExport({ omit: 'Tile_+000_+000_L18_1.osgb' });
    r = await upload(zip(incomplete), 'incomplete.zip');
    expect(r.status).toBe('failed');
    expect(r.body.error.message).toBe('Data/Tile_+000_+000/Tile_+000_+000_L17_0.osgb 引用的下一级文件 Data/Tile_+000_+000/Tile_+000_+000_L18_1.osgb 不在导出包中（导出不完整）');

    const corrupt = new Map(exportFiles);
    const good = corrupt.get('Data/Tile_+000_+000/Tile_+000_+000_L17_0.osgb')!;
    corrupt.set('Data/Tile_+000_+000/Tile_+000_+000_L17_0.osgb', good.subarray(0, 40));
    r = await upload(zip(corrupt), 'corrupt.zip', '?lang=en');
    expect(r.status).toBe('failed');
    expect(r.body.error.reason).toBe('corrupt_osgb');
    expect(r.body.error.file).toBe('Data/Tile_+000_+000/Tile_+000_+000_L17_0.osgb');
    expect(r.body.error.message).toMatch(/^Data\/Tile_\+000_\+000\/Tile_\+000_\+000_L17_0\.osgb: osgconv cannot read it/);
    corrupt.set('Data/Tile_+000_+000/Tile_+000_+000_L17_0.osgb', new TextEncoder().encode('not an osgb at all'));
    r = await upload(zip(corrupt), 'corrupt.zip');
    expect(r.body.error.message).toMatch(/^Data\/Tile_\+000_\+000\/Tile_\+000_\+000_L17_0\.osgb：osgconv 无法读取该文件/);
  });
});

describe.runIf(osgconv)('OSGB conversion jobs', () => {
  const exportFiles = buildObliqueExport({ srs: 'ENU:31.75,107.2' });
  const workDir = () => path.join(inject('dataDir'), 'work', 'tileset-jobs');
  const counts = async () => (await pool.query(`SELECT (SELECT count(*) FROM tilesets)::int AS t, (SELECT count(*) FROM tileset_entries)::int AS e`)).rows[0];
  /** The conversion workers of this test run's server (its children), by pid. */
  const workers = (): number[] => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      if (!fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('oblique-worker.mjs')) return false;
      const ppid = Number(/PPid:\s+(\d+)/.exec(fs.readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      return ppid === process.pid || ppid === process.ppid;
    } catch {
      return false;
    }
  }).map(Number);

  it('answers 202 with a queued job at once, reports stage and progress, and shows jobs to staff, reviewers and admins only', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip(exportFiles))]), 'job.zip');
    const res = await api('/api/tilesets?lang=en', { method: 'POST', body: form, cookie: staff });
    expect(res.status).toBe(202);
    const job = (await res.json()).job as Job;
    expect(['queued', 'running']).toContain(job.state);
    expect(job.progress).toBeGreaterThanOrEqual(0);
    expect(job.progress).toBeLessThan(1);
    expect(job.stage_label.zh).toBeTruthy();
    expect(job.tileset_id).toBeNull();
    expect((await api(`/api/tilesets/jobs/${job.id}`)).status).toBe(401);
    expect((await api(`/api/tilesets/jobs/${job.id}`, { cookie: await userWithRole('officer') })).status).toBe(403);
    const list = await api('/api/tilesets/jobs', { cookie: reviewer });
    expect(list.status).toBe(200);
    expect((await list.json()).jobs.map((j: Job) => j.id)).toContain(job.id);
    const { job: done, seen } = await waitForJob(job.id, '?lang=en', reviewer);
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    expect([done.stage, done.progress, done.stage_label.en]).toEqual(['done', 1, 'Converted']);
    // Progress never goes back.
    for (let i = 1; i < seen.length; i++) expect(seen[i].progress).toBeGreaterThanOrEqual(seen[i - 1].progress);
    const t = (await (await api(`/api/tilesets/${done.tileset_id}`, { cookie: staff })).json()).tileset;
    expect([t.name, t.tile_count, t.review_state]).toEqual(['job', 6, 'draft']);
    expect(fs.existsSync(path.join(workDir(), String(job.id)))).toBe(false);
  });

  it('a bad export is refused at once when it can be, else its job fails naming the file; nothing is left behind', async () => {
    const before = await counts();
    const noRoots = new Map([...exportFiles].filter(([k]) => !k.endsWith('Tile_+000_+000.osgb')));
    let r = await upload(zip(noRoots), 'no-roots.zip', '?lang=en');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('no-roots.zip: no tile root files Data/Tile_xxx/Tile_xxx.osgb found');
    expect((await pool.query(`SELECT count(*)::int AS n FROM tileset_jobs WHERE file_name = 'no-roots.zip'`)).rows[0].n).toBe(0);

    const corrupt = new Map(exportFiles);
    corrupt.set('Data/Tile_+000_+000/Tile_+000_+000_L18_1.osgb', new TextEncoder().encode('truncated'));
    r = await upload(zip(corrupt), 'corrupt-leaf.zip');
    expect(r.status).toBe('failed');
    expect(r.job!.stage_label).toEqual({ zh: '转换失败', en: 'Conversion failed' });
    expect(r.body.error.message).toMatch(/^Data\/Tile_\+000_\+000\/Tile_\+000_\+000_L18_1\.osgb：osgconv 无法读取该文件/);
    expect(r.body.error.en).toMatch(/^Data\/Tile_\+000_\+000\/Tile_\+000_\+000_L18_1\.osgb: osgconv cannot read it/);
    // osgconv's own complaint names the file as in the export, not the worker's scratch copy.
    expect(r.body.error.en).not.toMatch(/[\s/]\d+\.osgb/);
    expect(await counts()).toEqual(before);
    expect(fs.existsSync(path.join(workDir(), String(r.job!.id)))).toBe(false);
  });

  it('a killed conversion fails its job naming the upload, with no tileset, rows or files left', async () => {
    const before = await counts();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip(exportFiles))]), 'killed.zip');
    const res = await api('/api/tilesets', { method: 'POST', body: form, cookie: staff });
    const { job } = await res.json();
    let pids: number[] = [];
    for (let i = 0; i < 500 && !pids.length; i++) {
      pids = workers();
      if (!pids.length) await new Promise((r) => setTimeout(r, 10));
    }
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    const { job: end } = await waitForJob(job.id, '?lang=en');
    expect(end.state).toBe('failed');
    expect(end.error!.message).toMatch(/^killed\.zip: the conversion process stopped \(SIGKILL\)/);
    expect(end.error!.zh).toMatch(/^killed\.zip：转换进程中止/);
    expect(await counts()).toEqual(before);
    expect(fs.existsSync(path.join(workDir(), String(job.id)))).toBe(false);
  });

  it('a restart marks jobs it interrupted failed, in Chinese and English, and clears their work folders', async () => {
    const { rows } = await pool.query(
      `INSERT INTO tileset_jobs (file_name, source_sha256, source_bytes, state, stage, progress)
       VALUES ('stopped.zip', repeat('ab', 32), 1, 'running', 'reading', 0.3) RETURNING id`);
    const id = Number(rows[0].id);
    fs.mkdirSync(path.join(workDir(), String(id)), { recursive: true });
    fs.writeFileSync(path.join(workDir(), String(id), '0.glb'), 'partial');
    const jobs = new TilesetJobService(new ThreeDRepository(pool), new LocalAssetStore(inject('dataDir')), workDir(), DEFAULT_ZIP_LIMITS);
    expect(await jobs.recover()).toBeGreaterThanOrEqual(1);
    const zh = (await waitForJob(id)).job;
    expect(zh.state).toBe('failed');
    expect(zh.error!.message).toBe('stopped.zip：服务器重启，转换被中断，请重新上传');
    expect((await waitForJob(id, '?lang=en')).job.error!.message).toBe('stopped.zip: the conversion was interrupted by a server restart; upload it again');
    expect(fs.existsSync(path.join(workDir(), String(id)))).toBe(false);
  });
});

describe('tilesets the server writes are conformant', () => {
  it('the demo tileset: b3dm lengths are multiples of 8 and geometric errors never grow downwards', async () => {
    const tilesets = (await (await api('/api/tilesets')).json()).tilesets as { id: number; origin: string }[];
    const demo = tilesets.find((t) => t.origin === 'demo');
    if (!demo) return; // SEED_DEMO off
    for (const q of ['', '?compat=single-content']) {
      const json = JSON.parse(new TextDecoder().decode(await served(demo.id, `tileset.json${q}`)));
      expect(inconsistentErrors(json)).toEqual([]);
      for (const uri of contents(json.root)) {
        const b3dm = await served(demo.id, uri);
        expect(b3dm.length % 8, uri).toBe(0);
        const glb = b3dm.subarray(28 + new DataView(b3dm.buffer, b3dm.byteOffset).getUint32(12, true) + new DataView(b3dm.buffer, b3dm.byteOffset).getUint32(20, true));
        expect(glb.length % 8, `${uri} glb`).toBe(0);
      }
    }
  });

  it('the demo tileset leaves out the factory the demo BIM model stands on (its block would hide the model)', async () => {
    const tilesets = (await (await api('/api/tilesets')).json()).tilesets as { id: number; origin: string }[];
    const models = (await (await api('/api/models')).json()).models as { origin: string; carrier_id: number }[];
    const demo = tilesets.find((t) => t.origin === 'demo');
    const model = models.find((m) => m.origin === 'demo');
    if (!demo || !model) return; // SEED_DEMO off
    const code = (await pool.query('SELECT code FROM carriers WHERE id = $1', [model.carrier_id])).rows[0].code as string;
    const json = JSON.parse(new TextDecoder().decode(await served(demo.id, 'tileset.json')));
    const codes: string[] = [];
    for (const uri of contents(json.root)) {
      const b3dm = await served(demo.id, uri);
      const dv = new DataView(b3dm.buffer, b3dm.byteOffset);
      const ft = dv.getUint32(12, true), bt = dv.getUint32(20, true);
      codes.push(...JSON.parse(new TextDecoder().decode(b3dm.subarray(28 + ft, 28 + ft + bt))).code);
    }
    expect(codes.length).toBeGreaterThan(10);
    expect(codes).not.toContain(code);
  });

  it.skipIf(!hasFixtures())('the single-content rewrites of 1.1 multiple contents keep children within their parents\' errors', async () => {
    for (const dir of ['1.1/MetadataGranularities', '1.1/MultipleContents', '1.0/Composite']) {
      const files: Record<string, Uint8Array> = {};
      const base = fixture(`tiles3d/${dir}`);
      const walk = (abs: string, rel: string) => {
        for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
          if (e.isDirectory()) walk(`${abs}/${e.name}`, `${rel}${e.name}/`);
          else files[rel + e.name] = new Uint8Array(fs.readFileSync(`${abs}/${e.name}`));
        }
      };
      walk(base, '');
      const form = new FormData();
      form.set('lon', '107.2');
      form.set('lat', '31.75');
      form.append('file', new Blob([new Uint8Array(zipSync(files))]), 'ts.zip');
      const res = await api('/api/tilesets', { method: 'POST', body: form, cookie: staff });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(201);
      const json = JSON.parse(new TextDecoder().decode(await served(body.id, 'tileset.json?compat=single-content')));
      expect(inconsistentErrors(json), dir).toEqual([]);
      // Every original content is still drawn, one per tile.
      const original = JSON.parse(new TextDecoder().decode(files['tileset.json']));
      const count = (t: { content?: unknown; contents?: unknown[]; children?: unknown[] }): number =>
        (t.content ? 1 : 0) + (t.contents?.length ?? 0) + (t.children ?? []).reduce((s: number, c) => s + count(c as never), 0);
      const countSingle = (t: TileJson): number => (t.content ? 1 : 0) + (t.children ?? []).reduce((s, c) => s + countSingle(c), 0);
      if (dir !== '1.0/Composite') expect(countSingle(json.root), dir).toBe(count(original.root));
    }
  });
});
