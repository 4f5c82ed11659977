/**
 * Child process that converts one uploaded OSGB export (`oblique-tileset.ts`), so the osgconv runs,
 * mesh work and texture encoding never block the server's event loop and a crash takes only this
 * process down. It reads the zip from disk, writes the tileset's files (and gzip copies worth
 * serving) into `outDir` as numbered files, and reports a manifest; the parent stores them and
 * writes the rows. Protocol (advanced IPC serialization): the parent sends one
 * {@link ObliqueWorkerJob}; the child answers `progress` messages, then `done` or `error`, and exits.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readZip, type ZipLimits } from '../three-d/safe-zip.ts';
import { validateTileset } from '../three-d/tileset-validator.ts';
import { buildObliqueTileset, type ObliquePlan } from './oblique-tileset.ts';
import { ObliqueError, type Lang } from './oblique-errors.ts';
import type { Placement } from '../three-d/enu.ts';

/** One conversion. */
export interface ObliqueWorkerJob {
  zipPath: string;
  /** The upload's name, for messages. */
  fileName: string;
  plan: ObliquePlan;
  lang: Lang;
  outDir: string;
  zipLimits: ZipLimits;
}

/** One written file of the tileset. */
export interface ManifestEntry {
  /** Path inside the tileset. */
  path: string;
  /** File in `outDir` holding it, and its gzip copy (null when not worth it). */
  file: string;
  gzipFile: string | null;
  ext: string;
  size: number;
  gzipSize: number | null;
}

/** What a finished conversion reports. */
export interface ObliqueWorkerResult {
  entries: ManifestEntry[];
  version: string;
  tiles: number;
  placement: Placement;
  center: [number, number];
  warnings: string[];
}

/** Messages the worker sends. */
export type ObliqueWorkerMessage =
  | { type: 'progress'; stage: 'reading' | 'writing'; done: number; total: number }
  | ({ type: 'done' } & ObliqueWorkerResult)
  | { type: 'error'; zh: string; en: string; reason: string | null; file: string | null };

/** Extensions worth gzipping (as the tileset upload does). */
const COMPRESSIBLE = new Set(['json', 'glb', 'b3dm', 'bin']);

const send = (m: ObliqueWorkerMessage) => new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));

process.once('message', async (job: ObliqueWorkerJob) => {
  try {
    const entries = readZip(new Uint8Array(await readFile(job.zipPath)), job.zipLimits);
    const files = new Map(entries.map((e) => [e.name, e.bytes]));
    let last = 0;
    const out = await buildObliqueTileset(job.fileName, files, job.plan, job.lang, (stage, done, total) => {
      const now = Date.now();
      if (now - last > 250 || done === total) {
        last = now;
        void send({ type: 'progress', stage, done, total });
      }
    }, path.join(job.outDir, 'scratch'));
    const report = validateTileset(out.files);
    await mkdir(job.outDir, { recursive: true });
    const manifest: ManifestEntry[] = [];
    let n = 0;
    for (const [p, bytes] of out.files) {
      const m = /\.([A-Za-z0-9]{1,10})$/.exec(p);
      const ext = m ? m[1].toLowerCase() : 'bin';
      const file = path.join(job.outDir, `${n++}.${ext}`);
      await writeFile(file, bytes);
      let gzipFile: string | null = null;
      let gzipSize: number | null = null;
      if (COMPRESSIBLE.has(ext) && bytes.length >= 256) {
        const gz = gzipSync(bytes, { level: 6 });
        if (gz.length <= bytes.length * 0.9) {
          gzipFile = `${file}.gz`;
          gzipSize = gz.length;
          await writeFile(gzipFile, gz);
        }
      }
      manifest.push({ path: p, file, gzipFile, ext, size: bytes.length, gzipSize });
    }
    await send({ type: 'done', entries: manifest, version: report.version, tiles: report.tiles, placement: out.placement, center: out.center, warnings: out.warnings });
  } catch (err) {
    if (err instanceof ObliqueError) {
      const d = err.details as { message_zh: string; message_en: string; reason: string; file: string };
      await send({ type: 'error', zh: d.message_zh, en: d.message_en, reason: d.reason, file: d.file });
    } else {
      const detail = (err as Error).message;
      await send({ type: 'error', zh: `${job.fileName}：转换失败：${detail}`, en: `${job.fileName}: conversion failed: ${detail}`, reason: null, file: job.fileName });
    }
  }
  process.exit(0);
});
