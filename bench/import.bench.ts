/**
 * bench:import — survey-import throughput on a real PostGIS (DATABASE_URL), each against a
 * reference tool run on the same files in the same run:
 *
 *  (1) parcels: a generated GeoJSONSeq of 200,000 parcel polygons in the Dazhou extent (the shared
 *      generator) → our pipeline (read, map fields, stage + validate in PostGIS, commit), features/s,
 *      against `ogr2ogr -f PostgreSQL` loading the same file. Goal ratio ≥ 1.0.
 *  (2) photos: 200 generated 20-megapixel JPEGs carrying real DJI EXIF/XMP (copied from the fixture
 *      with exiftool) → metadata + thumbnails + rows, against `exiftool -json` + `vipsthumbnail`.
 *
 * Prints `RESULT import_parcels ratio=…` and `RESULT import_photos ratio=…`; writes
 * bench/results/import_parcels.json and bench/results/import_photos.json. Not part of CI.
 * Needs gdal-bin, libimage-exiftool-perl and libvips-tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { createImportService } from '../survey-import/pipeline/create.ts';
import { BENCH_PARCELS, writeParcelsSeq } from './bench-data.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:import needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:import');
  process.exit(2);
}
const which = process.argv[2] ?? 'all';
// Only the tools of the parts that run: `bench:import parcels` needs GDAL alone.
const tools = [...(which !== 'photos' ? ['ogr2ogr'] : []), ...(which !== 'parcels' ? ['exiftool', 'vipsthumbnail'] : [])];
for (const tool of tools) {
  if (spawnSync('which', [tool]).status !== 0) {
    console.error(`bench:import needs ${tool} (apt-get install gdal-bin libimage-exiftool-perl libvips-tools)`);
    process.exit(2);
  }
}
const SCHEMA = 'bench_import';
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 200);
const PARCELS = Number(process.env.BENCH_PARCELS ?? BENCH_PARCELS);
const FIXTURE = path.resolve(ROOT_DIR, '..', 'shared', 'fixtures', 'drone', 'dji_mavic2pro_hasselblad_L1D-20c.jpg');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
const results = path.join(ROOT_DIR, 'bench', 'results');
fs.mkdirSync(results, { recursive: true });

async function parcels() {
  const file = path.join(work, 'parcels.geojsonl');
  writeParcelsSeq(file, PARCELS);
  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DATA_DIR: path.join(work, 'data') });
  const db = await openDatabase(config);
  await migrate(db.pool);
  await db.pool.query('TRUNCATE carriers, import_batches CASCADE');
  const imports = createImportService(db.pool, config.dataDir);
  const bytes = new Uint8Array(fs.readFileSync(file));

  let t = performance.now();
  const batch = await imports.upload('land', [{ name: 'parcels.geojsonl', bytes }], {}, null);
  const committed = await imports.commit(batch.id);
  const ours = (performance.now() - t) / 1000;
  const { rows } = await db.pool.query('SELECT count(*) n FROM carriers WHERE batch_id = $1', [committed.id]);

  // Reference: GDAL into its own table in the same database.
  const pgConn = url!.replace(/^postgres(ql)?:\/\//, '');
  const [userHost, dbname] = pgConn.split('/');
  const [user, hostPort] = userHost.includes('@') ? userHost.split('@') : ['', userHost];
  const [host, port] = hostPort.split(':');
  const ogrConn = `PG:dbname=${dbname} host=${host} port=${port ?? 5432}${user ? ` user=${user}` : ''} active_schema=${SCHEMA}`;
  t = performance.now();
  execFileSync('ogr2ogr', ['-f', 'PostgreSQL', ogrConn, file, '-nln', 'ogr_parcels', '-overwrite', '-lco', 'GEOMETRY_NAME=geom', '--config', 'PG_USE_COPY', 'YES'], { stdio: 'inherit' });
  const ref = (performance.now() - t) / 1000;
  const { rows: refRows } = await db.pool.query(`SELECT count(*) n FROM ${SCHEMA}.ogr_parcels`);
  await db.close();

  const out = {
    at: new Date().toISOString(), features: PARCELS, ours_s: ours, ours_fps: Number(rows[0].n) / ours, imported: Number(rows[0].n),
    ogr2ogr_s: ref, ogr2ogr_fps: Number(refRows[0].n) / ref, ratio: (Number(rows[0].n) / ours) / (Number(refRows[0].n) / ref),
  };
  fs.writeFileSync(path.join(results, 'import_parcels.json'), JSON.stringify(out, null, 2));
  console.log(`parcels: ours ${out.ours_fps.toFixed(0)} features/s (${ours.toFixed(1)} s), ogr2ogr ${out.ogr2ogr_fps.toFixed(0)} features/s (${ref.toFixed(1)} s)`);
  console.log(`RESULT import_parcels ratio=${out.ratio.toFixed(2)} ours_fps=${out.ours_fps.toFixed(0)} ogr2ogr_fps=${out.ogr2ogr_fps.toFixed(0)}`);
}

async function photos() {
  const dir = path.join(work, 'photos');
  fs.mkdirSync(dir);
  // One 20-megapixel (5472×3648) JPEG with noise-like content, then the fixture's DJI EXIF/XMP copied in.
  const base = path.join(work, 'base.jpg');
  const w = 5472, h = 3648;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 85 }).toFile(base);
  execFileSync('exiftool', ['-q', '-overwrite_original', '-TagsFromFile', FIXTURE, '-all:all', base]);
  for (let i = 0; i < PHOTOS; i++) {
    const f = path.join(dir, `DJI_${String(i + 1).padStart(4, '0')}.JPG`);
    fs.copyFileSync(base, f);
  }
  // Different files (content hashes) so nothing is deduplicated: a JPEG comment segment (COM) with
  // the file number right after SOI keeps the image and its EXIF/XMP intact.
  const files = fs.readdirSync(dir).sort().map((n) => path.join(dir, n));
  files.forEach((f, k) => {
    const b = fs.readFileSync(f);
    const text = Buffer.from(`bench photo ${k + 1}`);
    const com = Buffer.concat([Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]), text]);
    fs.writeFileSync(f, Buffer.concat([b.subarray(0, 2), com, b.subarray(2)]));
  });

  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DATA_DIR: path.join(work, 'data') });
  const db = await openDatabase(config);
  await migrate(db.pool);
  await db.pool.query('TRUNCATE photos, import_batches CASCADE');
  const imports = createImportService(db.pool, config.dataDir);
  let t = performance.now();
  const inputs = files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(fs.readFileSync(f)) }));
  const batch = await imports.upload('photos', inputs, {}, null);
  await imports.commit(batch.id);
  const ours = (performance.now() - t) / 1000;
  const { rows } = await db.pool.query('SELECT count(*) n FROM photos WHERE batch_id = $1', [batch.id]);
  await db.close();

  const thumbs = path.join(work, 'thumbs');
  fs.mkdirSync(thumbs);
  t = performance.now();
  execFileSync('exiftool', ['-json', '-n', dir], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('vipsthumbnail', ['--size', '320', '-o', `${thumbs}/%s_thumb.jpg`, ...files]);
  execFileSync('vipsthumbnail', ['--size', '1600', '-o', `${thumbs}/%s_preview.jpg`, ...files]);
  const ref = (performance.now() - t) / 1000;

  const out = {
    at: new Date().toISOString(), photos: PHOTOS, megapixels: (w * h) / 1e6, imported: Number(rows[0].n),
    ours_s: ours, ours_pps: PHOTOS / ours, reference_s: ref, reference_pps: PHOTOS / ref, ratio: (PHOTOS / ours) / (PHOTOS / ref),
  };
  fs.writeFileSync(path.join(results, 'import_photos.json'), JSON.stringify(out, null, 2));
  console.log(`photos: ours ${out.ours_pps.toFixed(1)} photos/s (${ours.toFixed(1)} s), exiftool+vipsthumbnail ${out.reference_pps.toFixed(1)} photos/s (${ref.toFixed(1)} s)`);
  console.log(`RESULT import_photos ratio=${out.ratio.toFixed(2)} ours_pps=${out.ours_pps.toFixed(1)} reference_pps=${out.reference_pps.toFixed(1)}`);
}

try {
  if (which === 'all' || which === 'parcels') await parcels();
  if (which === 'all' || which === 'photos') await photos();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
