/**
 * Command-line import of a ContextCapture / Smart3D OSGB export (a folder with metadata.xml and
 * Data/, or its zip) as a 3D Tiles tileset, stored like an upload:
 *
 *   npm run import:oblique -- [--name 名称] [--park <id>] [--carrier <id>] [--publish] [--lang zh|en] <folder|zip>
 *
 * Reads the same configuration as the server (DATABASE_URL, DATA_DIR, DB_SCHEMA); with the
 * embedded database it goes through the running server's database socket (DATA_DIR/embedded-db.json),
 * else opens it itself. Needs osgconv (Debian package openscenegraph). Exit code 0 when stored.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { socketInfoPath } from '../core/db/embedded.ts';
import { migrate } from '../core/db/migrate.ts';
import { LocalAssetStore } from '../assets/storage.ts';
import { ThreeDRepository } from '../server/three-d/three-d.repository.ts';
import { ThreeDService } from '../server/three-d/three-d.service.ts';
import { readZip } from '../survey-import/three-d/safe-zip.ts';

const USAGE = 'usage: npm run import:oblique -- [--name NAME] [--park ID] [--carrier ID] [--publish] [--lang zh|en] <export folder or .zip>';

async function readFolder(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (e.isFile()) files.set(rel + e.name, new Uint8Array(await fs.readFile(path.join(dir, e.name))));
    }
  };
  await walk(root, '');
  return files;
}

async function connect(): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    const info = await fs.readFile(socketInfoPath(config.dataDir), 'utf8').then(JSON.parse).catch(() => null);
    if (info?.url) {
      const pool = new pg.Pool({
        connectionString: info.url, max: 2,
        onConnect: async (c: pg.ClientBase) => { await c.query(`SET search_path TO ${pg.escapeIdentifier(config.dbSchema)}, public`); },
      } as pg.PoolConfig);
      try {
        await pool.query('SELECT 1');
        return { pool, close: () => pool.end() };
      } catch {
        await pool.end().catch(() => undefined);
      }
    }
  }
  const db = await openDatabase(config);
  await migrate(db.pool);
  return { pool: db.pool, close: () => db.close() };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const fields: Record<string, string> = {};
  let publish = false;
  let lang: 'zh' | 'en' = 'zh';
  let input: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => {
      const n = argv[++i];
      if (n === undefined) throw new Error(`${v} needs a value\n${USAGE}`);
      return n;
    };
    if (v === '--name') fields.name = next();
    else if (v === '--park') fields.parkId = next();
    else if (v === '--carrier') fields.carrierId = next();
    else if (v === '--publish') publish = true;
    else if (v === '--lang') lang = next() === 'en' ? 'en' : 'zh';
    else if (v === '--help' || v === '-h') throw new Error(USAGE);
    else if (v.startsWith('--')) throw new Error(`unknown option ${v}\n${USAGE}`);
    else input = v;
  }
  if (!input) throw new Error(USAGE);
  const st = await fs.stat(input).catch(() => null);
  if (!st) throw new Error(`${input}: no such file or directory`);
  let files: Map<string, Uint8Array>;
  let source: Uint8Array | null = null;
  if (st.isDirectory()) {
    files = await readFolder(input);
  } else {
    source = new Uint8Array(await fs.readFile(input));
    files = new Map(readZip(source).map((e) => [e.name, e.bytes]));
  }
  const name = path.basename(path.resolve(input));
  const config = loadConfig();
  const { pool, close } = await connect();
  try {
    const service = new ThreeDService(new ThreeDRepository(pool), new LocalAssetStore(config.dataDir));
    const out = await service.importOblique(name, files, source, fields, null, lang);
    if (publish) await service.reviewTileset(out.tileset.id, 'published');
    console.log(`tileset ${out.tileset.id} "${out.tileset.name}": ${out.tileset.tile_count} tiles, centre ${out.tileset.center_lon?.toFixed(6)}, ${out.tileset.center_lat?.toFixed(6)} · ${out.url}${publish ? ' · published' : ' · draft'}`);
    for (const w of out.warnings) console.log(`  ${w}`);
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
