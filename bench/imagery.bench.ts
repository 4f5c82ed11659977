/**
 * Orthophoto benchmark: import time and tile latency of ours against GDAL on the same file, in the
 * same run.
 *
 * The file: a smooth RGB picture in EPSG:4545 near Dazhou (GDAL, `-outsize` upsampled from a
 * small pattern), IMAGERY_BENCH_PX square (default 8000, 0.1 m pixels), tiled, deflate.
 *
 * - Ours: uploaded to a server started here (embedded database, no demo data) as the admin; import
 *   time = upload start → status ready (streaming into the asset store, header read, footprint,
 *   the whole WebP pyramid cut). Tile p50: sequential GETs of 300 tiles (finest zoom and two above,
 *   random inside the image) on a published orthophoto, as the public.
 * - GDAL: import = `gdalwarp -t_srs EPSG:3857 -of COG` (a warped Cloud-Optimized GeoTIFF with
 *   overviews: what a GDAL-based server would serve from); tile = `gdal_translate -projwin … -outsize
 *   256 256 -of WEBP` from that COG, one process per tile (how a GDAL-backed tile is cut on request),
 *   for 40 of the same tiles.
 *
 * Final line: RESULT imagery px=<n> import_s=<ours> gdal_import_s=<gdal> tile_p50_ms=<ours> gdal_tile_p50_ms=<gdal> tiles=<n> tile_mb=<ours> gdal_cog_mb=<gdal>
 *
 * `npm run bench:imagery -- --large`: a multi-GB file end to end instead (not in the test suite: it
 * takes minutes). A tiled, uncompressed BigTIFF of IMAGERY_LARGE_PX² RGB pixels (default 30000, 2.7 GB,
 * 0.1 m, EPSG:4545; made once with `gdal_translate` and kept in IMAGERY_LARGE_DIR, default
 * /tmp/imagery-large, when the disk has room) is uploaded over HTTP as staff would (multipart,
 * streamed from disk) while the resident memory of the server and of the tile child process is
 * sampled from /proc (peak VmHWM). Eight tiles (finest zoom and two above) are compared with
 * `gdalwarp` of the same area. The GDAL import reference (`gdalwarp -of COG`, as above) runs too
 * unless IMAGERY_LARGE_GDAL=0.
 * Final line: RESULT imagery-large px=<n> file_gb=<n> upload_s=<n> import_s=<n> gdal_import_s=<n|skipped>
 *   server_peak_rss_mb=<n> server_peak_before_upload_mb=<n> child_peak_rss_mb=<n> tiles=<n> tile_mean_diff=<max over the tiles> load=<1-min>
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startBenchServer } from './bench-server.ts';

const PX = Number(process.env.IMAGERY_BENCH_PX ?? 8000);
const PIXEL_M = 0.1;
const ULX = 452000;
const ULY = 3453500;
const WORLD = 2 * Math.PI * 6378137;

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function lonLatTile(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagery-bench-'));
  const png = path.join(dir, 'seed.png');
  const seed = Buffer.alloc(64 * 64 * 3);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
    const i = (y * 64 + x) * 3;
    seed[i] = 60 + ((x * 37 + y * 11) % 150);
    seed[i + 1] = 80 + ((x * 13 + y * 29) % 120);
    seed[i + 2] = 50 + ((x * 7 + y * 41) % 100);
  }
  await sharp(seed, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(png);
  const src = path.join(dir, `ortho_${PX}.tif`);
  execFileSync('gdal_translate', ['-q', '-outsize', String(PX), String(PX), '-r', 'bilinear', '-a_srs', 'EPSG:4545',
    '-a_ullr', String(ULX), String(ULY), String(ULX + PX * PIXEL_M), String(ULY - PX * PIXEL_M),
    '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'BIGTIFF=IF_SAFER', png, src]);
  console.log(`source: ${src} ${(fs.statSync(src).size / 1e6).toFixed(1)} MB, ${PX}×${PX} px`);

  // ---- GDAL reference
  const cog = path.join(dir, 'gdal_3857_cog.tif');
  let t0 = process.hrtime.bigint();
  execFileSync('gdalwarp', ['-q', '-t_srs', 'EPSG:3857', '-r', 'bilinear', '-of', 'COG', '-co', 'COMPRESS=WEBP', '-co', 'QUALITY=88', '-dstalpha', src, cog]);
  const gdalImportS = ms(t0) / 1000;
  console.log(`gdal: warp to a 3857 COG ${gdalImportS.toFixed(1)} s, ${(fs.statSync(cog).size / 1e6).toFixed(1)} MB`);

  // ---- ours
  const dataDir = path.join(dir, 'data');
  const server = await startBenchServer({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', ADMIN_PASSWORD: 'bench-admin-pw' });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-pw' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    t0 = process.hrtime.bigint();
    const form = new FormData();
    form.set('name', 'bench');
    form.append('file', await fs.openAsBlob(src), path.basename(src));
    const up = await fetch(`${server.url}/api/imagery`, { method: 'POST', body: form, headers: { cookie } });
    const created = await up.json();
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(created)}`);
    const id = created.imagery.id;
    let row;
    for (;;) {
      row = (await (await fetch(`${server.url}/api/imagery/${id}`, { headers: { cookie } })).json()).imagery;
      if (row.status !== 'processing') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const importS = ms(t0) / 1000;
    if (row.status !== 'ready') throw new Error(`import failed: ${JSON.stringify(row.error)}`);
    console.log(`ours: ${importS.toFixed(1)} s, ${row.tile_count} tiles, ${(row.tile_bytes / 1e6).toFixed(1)} MB, zoom ${row.min_zoom}–${row.max_zoom}`);
    await fetch(`${server.url}/api/imagery/${id}/review`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'published' }) });

    // The same random tiles for both.
    const [w, s, e, n] = row.bounds as number[];
    let seedN = 7;
    const rnd = () => ((seedN = (seedN * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const tiles: [number, number, number][] = [];
    for (let i = 0; i < 300; i++) {
      const z = row.max_zoom - (i % 3);
      const [x0, y0] = lonLatTile(w, n, z);
      const [x1, y1] = lonLatTile(e, s, z);
      tiles.push([z, Math.floor(x0 + rnd() * (x1 - x0)), Math.floor(y0 + rnd() * (y1 - y0))]);
    }
    const ours: number[] = [];
    for (const [z, x, y] of tiles) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${server.url}/tiles/imagery/${id}/${z}/${x}/${y}.webp`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`tile ${z}/${x}/${y}: ${res.status}`);
      ours.push(ms(t));
    }
    const gdal: number[] = [];
    for (const [z, x, y] of tiles.slice(0, 40)) {
      const size = WORLD / 2 ** z;
      const ulx = -WORLD / 2 + x * size;
      const uly = WORLD / 2 - y * size;
      const t = process.hrtime.bigint();
      execFileSync('gdal_translate', ['-q', '-projwin', String(ulx), String(uly), String(ulx + size), String(uly - size), '-outsize', '256', '256',
        '-of', 'WEBP', '-co', 'QUALITY=88', cog, path.join(dir, 'tile.webp')]);
      gdal.push(ms(t));
    }
    const result = {
      px: PX, import_s: +importS.toFixed(1), gdal_import_s: +gdalImportS.toFixed(1), tile_p50_ms: +p50(ours).toFixed(2),
      gdal_tile_p50_ms: +p50(gdal).toFixed(1), tiles: row.tile_count, tile_mb: +(row.tile_bytes / 1e6).toFixed(1),
      gdal_cog_mb: +(fs.statSync(cog).size / 1e6).toFixed(1), load: os.loadavg()[0].toFixed(1),
    };
    fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(import.meta.dirname, 'results', 'imagery.json'), JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2) + '\n');
    console.log(`RESULT imagery ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak resident memory (VmHWM, MB) of a process tree, sampled until stopped: per role. */
function sampleRss(rootPid: number): { stop: () => { server: number; child: number; serverBefore: number }; mark: () => void } {
  const peak = { server: 0, child: 0, serverBefore: 0 };
  const read = (pid: number, file: string) => { try { return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'); } catch { return ''; } };
  const tick = () => {
    const stack = [rootPid];
    while (stack.length) {
      const pid = stack.pop()!;
      const kids = read(pid, `task/${pid}/children`).trim();
      if (kids) stack.push(...kids.split(/\s+/).map(Number));
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(read(pid, 'status'))?.[1] ?? 0) / 1024;
      const cmd = read(pid, 'cmdline');
      if (cmd.includes('pyramid-worker')) peak.child = Math.max(peak.child, hwm);
      else if (cmd.includes('server/main.ts')) peak.server = Math.max(peak.server, hwm);
    }
  };
  const timer = setInterval(tick, 100);
  // The server's peak before the upload (startup: the embedded database's WASM heap), to tell the import's share.
  return { stop: () => { clearInterval(timer); tick(); return peak; }, mark: () => { tick(); peak.serverBefore = peak.server; } };
}

/** Mean absolute colour difference over pixels opaque in both of two RGBA 256² tiles. */
function meanDiff(a: Buffer, b: Buffer): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < 256 * 256; i++) {
    if (a[i * 4 + 3] !== 255 || b[i * 4 + 3] !== 255) continue;
    for (let c = 0; c < 3; c++) d += Math.abs(a[i * 4 + c] - b[i * 4 + c]);
    n += 3;
  }
  return n ? d / n : 0;
}

async function large() {
  const PXL = Number(process.env.IMAGERY_LARGE_PX ?? 30000);
  const dir = process.env.IMAGERY_LARGE_DIR ?? '/tmp/imagery-large';
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(dir, `large_${PXL}.tif`);
  const expectBytes = PXL * PXL * 3;
  if (!fs.existsSync(src) || fs.statSync(src).size < expectBytes) {
    const st = fs.statfsSync(dir);
    // The file, its copy in the asset store, the tiles and GDAL's COG.
    if (st.bavail * st.bsize < expectBytes * 2.6) throw new Error(`not enough room in ${dir} for a ${(expectBytes / 1e9).toFixed(1)} GB test file and its copies`);
    const seedPng = path.join(dir, 'seed.png');
    const S = 2048;
    const seed = Buffer.alloc(S * S * 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const i = (y * S + x) * 3;
      seed[i] = 40 + ((x * 37 + y * 11) % 180);
      seed[i + 1] = 40 + ((x * 13 + y * 29) % 170);
      seed[i + 2] = ((x >> 4) + (y >> 4)) % 2 ? 210 : 50;
    }
    await sharp(seed, { raw: { width: S, height: S, channels: 3 } }).png().toFile(seedPng);
    const span = PXL * PIXEL_M;
    execFileSync('gdal_translate', ['-q', '-outsize', String(PXL), String(PXL), '-r', 'bilinear', '-a_srs', 'EPSG:4545',
      '-a_ullr', String(ULX), String(ULY), String(ULX + span), String(ULY - span), '-co', 'TILED=YES', '-co', 'BIGTIFF=YES', seedPng, src]);
  }
  const fileGb = fs.statSync(src).size / 1e9;
  console.log(`source: ${src} ${fileGb.toFixed(2)} GB, ${PXL}×${PXL} px`);
  const work = fs.mkdtempSync(path.join(dir, 'run-'));
  const dataDir = path.join(work, 'data');
  const server = await startBenchServer({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', ADMIN_PASSWORD: 'bench-admin-pw' });
  const rss = sampleRss(server.child.pid!);
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-admin-pw' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    rss.mark();
    const t0 = process.hrtime.bigint();
    const form = new FormData();
    form.set('name', 'large');
    form.append('file', await fs.openAsBlob(src), path.basename(src));
    const up = await fetch(`${server.url}/api/imagery`, { method: 'POST', body: form, headers: { cookie } });
    const created = await up.json();
    const uploadS = ms(t0) / 1000;
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(created)}`);
    const id = created.imagery.id;
    console.log(`uploaded in ${uploadS.toFixed(1)} s (201, id ${id}); cutting tiles…`);
    let row;
    let lastPct = -1;
    for (;;) {
      row = (await (await fetch(`${server.url}/api/imagery/${id}`, { headers: { cookie } })).json()).imagery;
      if (row.status !== 'processing') break;
      const pct = Math.floor(row.progress * 10);
      if (pct !== lastPct) console.log(`  ${(row.progress * 100).toFixed(0)} % after ${(ms(t0) / 1000).toFixed(0)} s`);
      lastPct = pct;
      await new Promise((r) => setTimeout(r, 500));
    }
    const importS = ms(t0) / 1000;
    const peak = rss.stop();
    if (row.status !== 'ready') throw new Error(`import failed: ${JSON.stringify(row.error)}`);
    console.log(`ours: ${importS.toFixed(1)} s, ${row.tile_count} tiles, ${(row.tile_bytes / 1e6).toFixed(1)} MB, zoom ${row.min_zoom}–${row.max_zoom}; peak RSS server ${peak.server.toFixed(0)} MB (${peak.serverBefore.toFixed(0)} MB before the upload), tile child ${peak.child.toFixed(0)} MB`);

    // Tiles against gdalwarp of the same area (bilinear at the finest zoom, average above).
    const [w, s, e, n] = row.bounds as number[];
    let worst = 0;
    for (let i = 0; i < 8; i++) {
      const z = row.max_zoom - (i % 3);
      const [x0, y0] = lonLatTile(w, n, z);
      const [x1, y1] = lonLatTile(e, s, z);
      const x = Math.floor(x0 + ((x1 - x0) * (i + 1)) / 9);
      const y = Math.floor(y0 + ((y1 - y0) * (8 - i)) / 9);
      const res = await fetch(`${server.url}/tiles/imagery/${id}/${z}/${x}/${y}.webp`, { headers: { cookie } });
      const ours = await sharp(Buffer.from(await res.arrayBuffer())).ensureAlpha().raw().toBuffer();
      const size = WORLD / 2 ** z;
      const ulx = -WORLD / 2 + x * size;
      const uly = WORLD / 2 - y * size;
      const ref = path.join(work, `ref-${z}-${x}-${y}.tif`);
      execFileSync('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:3857', '-te', String(ulx), String(uly - size), String(ulx + size), String(uly),
        '-ts', '256', '256', '-r', z === row.max_zoom ? 'bilinear' : 'average', '-dstalpha', src, ref]);
      const refPng = `${ref}.png`;
      execFileSync('gdal_translate', ['-q', '-of', 'PNG', ref, refPng]);
      const d = meanDiff(ours, await sharp(refPng).ensureAlpha().raw().toBuffer());
      console.log(`  tile ${z}/${x}/${y}: mean difference from gdalwarp ${d.toFixed(2)}`);
      worst = Math.max(worst, d);
    }

    let gdalImport = 'skipped';
    if (process.env.IMAGERY_LARGE_GDAL !== '0') {
      const cog = path.join(work, 'gdal_3857_cog.tif');
      const t1 = process.hrtime.bigint();
      execFileSync('gdalwarp', ['-q', '-t_srs', 'EPSG:3857', '-r', 'bilinear', '-of', 'COG', '-co', 'COMPRESS=WEBP', '-co', 'QUALITY=88', '-co', 'BIGTIFF=YES', '-dstalpha', src, cog]);
      gdalImport = (ms(t1) / 1000).toFixed(1);
      console.log(`gdal: warp to a 3857 COG ${gdalImport} s`);
    }
    const result = {
      px: PXL, file_gb: fileGb.toFixed(2), upload_s: uploadS.toFixed(1), import_s: importS.toFixed(1), gdal_import_s: gdalImport,
      server_peak_rss_mb: peak.server.toFixed(0), server_peak_before_upload_mb: peak.serverBefore.toFixed(0), child_peak_rss_mb: peak.child.toFixed(0), tiles: row.tile_count,
      tile_mean_diff: worst.toFixed(2), load: os.loadavg()[0].toFixed(1),
    };
    console.log(`RESULT imagery-large ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  } finally {
    rss.stop();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv.includes('--large')) await large();
else await main();
