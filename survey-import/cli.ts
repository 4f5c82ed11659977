/**
 * Command-line import for thousands of files:
 *
 *   npm run import -- --layer <land|factories|offices|amenities|photos|panoramas|tracks>
 *                     [--crs <EPSG:n|gcj02|bd09>] [--encoding gbk] [--mapping '{"DKBH":"code"}']
 *                     [--dry-run] [--allow-partial] [--publish] [--json] <paths…>
 *
 * Reads the same configuration as the server (DATABASE_URL, DATA_DIR, DB_SCHEMA). With the embedded
 * database it connects through the running server's database socket (advertised in
 * DATA_DIR/embedded-db.json) and never opens the data directory a second time; when no server is
 * running it starts the embedded database itself. Exit code 0 only when the batch was committed
 * with no rejected item (or with --allow-partial), or validated cleanly with --dry-run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { socketInfoPath } from '../core/db/embedded.ts';
import { migrate } from '../core/db/migrate.ts';
import { parseCrs } from './crs/crs-option.ts';
import { createImportService } from './pipeline/create.ts';
import type { InputFile } from './types.ts';

interface Args {
  layer?: string;
  crs?: string;
  encoding?: string;
  mapping?: string;
  dryRun: boolean;
  allowPartial: boolean;
  publish: boolean;
  json: boolean;
  paths: string[];
}

const USAGE = 'usage: npm run import -- --layer <land|factories|offices|amenities|photos|panoramas|tracks> [--crs EPSG:n|gcj02|bd09] [--encoding gbk] [--mapping JSON] [--dry-run] [--allow-partial] [--publish] [--json] <paths…>';

function parseArgs(argv: string[]): Args {
  const a: Args = { dryRun: false, allowPartial: false, publish: false, json: false, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => {
      const n = argv[++i];
      if (n === undefined) throw new Error(`${v} needs a value`);
      return n;
    };
    if (v === '--layer') a.layer = next();
    else if (v === '--crs') a.crs = next();
    else if (v === '--encoding') a.encoding = next();
    else if (v === '--mapping') a.mapping = next();
    else if (v === '--dry-run') a.dryRun = true;
    else if (v === '--allow-partial') a.allowPartial = true;
    else if (v === '--publish') a.publish = true;
    else if (v === '--json') a.json = true;
    else if (v === '--help' || v === '-h') throw new Error(USAGE);
    else if (v.startsWith('--')) throw new Error(`unknown option ${v}\n${USAGE}`);
    else a.paths.push(v);
  }
  if (!a.layer) throw new Error(`--layer is required\n${USAGE}`);
  if (!a.paths.length) throw new Error(`no input paths\n${USAGE}`);
  return a;
}

async function collectFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await fs.stat(p).catch(() => null);
    if (!st) throw new Error(`${p}: no such file or directory`);
    if (st.isDirectory()) {
      for (const e of (await fs.readdir(p)).sort()) {
        if (!e.startsWith('.')) out.push(...(await collectFiles([path.join(p, e)])));
      }
    } else out.push(p);
  }
  return out;
}

/** Progress on stderr (stdout stays clean for --json). */
function progress(label: string, done: number, total: number) {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stderr.write('\n');
}

async function connect(): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    const info = await fs.readFile(socketInfoPath(config.dataDir), 'utf8').then(JSON.parse).catch(() => null);
    if (info?.url) {
      // The running server owns the data directory: go through its socket.
      const pool = new pg.Pool({
        connectionString: info.url, max: 2,
        onConnect: async (c: pg.ClientBase) => { await c.query(`SET search_path TO ${pg.escapeIdentifier(config.dbSchema)}, public`); },
      } as pg.PoolConfig);
      try {
        await pool.query('SELECT 1');
        return { pool, close: () => pool.end() };
      } catch {
        await pool.end().catch(() => undefined);
        // Stale socket file from a crashed server: fall through and open the directory ourselves.
      }
    }
  }
  const db = await openDatabase(config);
  await migrate(db.pool);
  return { pool: db.pool, close: () => db.close() };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const files = await collectFiles(args.paths);
  const inputs: InputFile[] = [];
  for (let i = 0; i < files.length; i++) {
    inputs.push({ name: path.basename(files[i]), bytes: new Uint8Array(await fs.readFile(files[i])) });
    progress('reading ', i + 1, files.length);
  }
  const config = loadConfig();
  const { pool, close } = await connect();
  try {
    const imports = createImportService(pool, config.dataDir, undefined, { memoryMb: config.importMemoryMb, concurrency: config.importConcurrency }, { bufferKm: config.serviceAreaBufferKm });
    const crs = parseCrs(args.crs);
    const mapping = args.mapping ? JSON.parse(args.mapping) : undefined;
    progress('staging ', 0, 1);
    let batch = await imports.upload(args.layer, inputs, { crs, encoding: args.encoding, mapping }, null);
    progress('staging ', 1, 1);
    const summary = batch.summary as { total?: number; valid?: number; warnings?: number; rejected?: number };
    const rejected = Number(summary.rejected ?? 0);
    // Errors only: warnings (repairs, outside the counties, photos/tracks outside the service area) keep the item.
    const errors = (await imports.issues(batch.id)).filter((i) => i.severity !== 'warning' && !/repaired|outside the 7|turned into/.test(i.message));
    let ok: boolean;
    if (batch.duplicateOf) {
      ok = true;
    } else if (args.dryRun) {
      ok = rejected === 0;
    } else if (rejected > 0 && !args.allowPartial) {
      ok = false;
    } else {
      batch = await imports.commit(batch.id);
      if (args.publish) await imports.review(batch.id, 'published');
      ok = batch.status === 'committed';
    }
    const imported = batch.status === 'committed' && !batch.duplicateOf ? Number(summary.valid ?? 0) + Number(summary.warnings ?? 0) : 0;
    const result = {
      batchId: batch.id, status: batch.status, layer: batch.layer, duplicateOf: batch.duplicateOf ?? null,
      imported, rejected, warnings: Number(summary.warnings ?? 0),
      errors: errors.map((e) => ({ file: e.file, index: e.index, where: e.where ?? null, field: e.field ?? null, value: e.value ?? null, reason: e.message })),
    };
    if (args.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      console.log(`batch ${result.batchId} (${result.layer}): ${result.status}${result.duplicateOf ? ` — identical files already imported as batch ${result.duplicateOf}` : ''}`);
      console.log(`imported ${imported}, rejected ${rejected}, warnings ${result.warnings}`);
      for (const e of result.errors.slice(0, 50)) console.log(`  ${e.file}${e.where ? ` ${e.where}` : e.index !== null ? ` #${e.index}` : ''}: ${e.reason}`);
      if (result.errors.length > 50) console.log(`  … ${result.errors.length - 50} more (use --json)`);
      if (!ok && rejected > 0 && !args.dryRun) console.log('nothing committed: fix the rejected items or pass --allow-partial');
    }
    return ok ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`import failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
