/**
 * Backup and restore of one installation: every table and sequence of the application schema and
 * the asset store (`<dataDir>/assets`), while the server runs, on either engine.
 *
 * Why not pg_dump: Debian's pg_dump 15 refuses the embedded PostgreSQL 18 (PGlite), and PGlite
 * is one backend inside the server process, reachable only through the server's socket. So this is
 * a logical dump through `pg`, which works the same on both engines (and between them):
 *
 * - **Database:** one `REPEATABLE READ READ ONLY` transaction (one snapshot) reads every table of
 *   the schema with a cursor as row literals (`t::text`: hex EWKB geometries, round-trip floats,
 *   exact numerics and timestamps) and every sequence's position. Restore runs in one transaction:
 *   foreign keys dropped, tables truncated, rows cast back from their literals with user triggers
 *   disabled (so change logs and work queues are restored, not re-derived), sequences set, foreign
 *   keys re-created (which checks them). The target schema must have the same migrations; an empty
 *   schema is migrated first.
 * - **Assets:** content-addressed files, written once under their hash and never changed, so the
 *   files the snapshot references exist when it starts. They are hard-linked into a staging folder
 *   before and again after the snapshot starts (a link survives a later delete), and archived with
 *   the dump. Restore adds the backed-up files, then (after the database commit) removes the ones
 *   that were not in the backup.
 *
 * The file is a gzip'd tar: `manifest.json`, `db/<table>.ndjson` (one JSON string, the row
 * literal, per line) and `assets/…`.
 *
 * On the embedded engine the snapshot transaction holds PGlite (it runs one transaction at a
 * time), so requests wait while the database part is read: seconds for the demo data.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { socketInfoPath, startEmbedded } from './embedded.ts';
import { migrate } from './migrate.ts';

const run = promisify(execFile);

/** Format marker and version of the archive's manifest. */
const FORMAT = 'dazhou-gis-backup';
const VERSION = 1;
/** Rows per cursor fetch and per INSERT on restore. */
const BATCH = 2000;
/** Asset store folders that hold files (tmp/ holds partial writes only). */
const ASSET_DIRS = ['originals', 'derived'];

/** Where a backup or restore connects and what it covers. */
export interface BackupTarget {
  /** `postgres://` URL: DATABASE_URL, or the embedded socket's URL from `<dataDir>/embedded-db.json`. */
  url: string;
  /** The application schema. */
  schema: string;
  /** DATA_DIR: the asset store is `<dataDir>/assets`; staging folders are made here (same file system). */
  dataDir: string;
}

/** What a backup holds. */
export interface BackupManifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  schema: string;
  /** Applied migration versions of the backed-up schema. */
  migrations: number[];
  tables: { name: string; rows: number }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  /** Asset files (paths under `assets/`). */
  assets: number;
}

/** Back up the database and the asset store to `file` (a .tar.gz); returns the manifest. */
export async function backup(target: BackupTarget, file: string): Promise<BackupManifest> {
  const staging = await fs.mkdtemp(path.join(target.dataDir, '.backup-'));
  try {
    const assetsDir = path.join(target.dataDir, 'assets');
    await linkTree(assetsDir, path.join(staging, 'assets'));
    const client = await connect(target.url);
    let manifest: BackupManifest;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The first statement takes the snapshot; files created after the first link pass are linked now.
      const tables = await listTables(client, target.schema);
      await linkTree(assetsDir, path.join(staging, 'assets'));
      const migrations = await appliedMigrations(client, target.schema);
      await fs.mkdir(path.join(staging, 'db'));
      const counted: BackupManifest['tables'] = [];
      for (const table of tables) {
        counted.push({ name: table, rows: await dumpTable(client, target.schema, table, path.join(staging, 'db', `${table}.ndjson`)) });
      }
      const sequences: BackupManifest['sequences'] = [];
      for (const name of await listSequences(client, target.schema)) {
        const { rows } = await client.query(`SELECT last_value::text AS v, is_called FROM ${qualified(target.schema, name)}`);
        sequences.push({ name, lastValue: rows[0].v, isCalled: rows[0].is_called });
      }
      await client.query('COMMIT');
      manifest = {
        format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), schema: target.schema,
        migrations, tables: counted, sequences, assets: (await listFiles(path.join(staging, 'assets'))).length,
      };
    } finally {
      await client.end().catch(() => undefined);
    }
    await fs.writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const out = path.resolve(file);
    const partial = `${out}.partial`;
    await run('tar', ['-czf', partial, '-C', staging, '.'], { maxBuffer: 1 << 24 });
    await fs.rename(partial, out);
    return manifest;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * Restore `file` into the target schema (same migrations, or empty: migrated first) and asset
 * store, replacing what is there. Returns the backup's manifest.
 */
export async function restore(target: BackupTarget, file: string): Promise<BackupManifest> {
  if (!(await fs.stat(file).then((s) => s.isFile(), () => false))) throw new AppError('bad_request', `${file}: no such backup file`);
  const staging = await fs.mkdtemp(path.join(target.dataDir, '.restore-'));
  try {
    await run('tar', ['-xzf', path.resolve(file), '-C', staging], { maxBuffer: 1 << 24 }).catch((err) => {
      throw new AppError('bad_request', `${file}: not a readable backup archive (${(err as Error).message.trim()})`);
    });
    const manifest = JSON.parse(await fs.readFile(path.join(staging, 'manifest.json'), 'utf8').catch(() => '{}')) as BackupManifest;
    if (manifest.format !== FORMAT || manifest.version !== VERSION) {
      throw new AppError('bad_request', `${file}: not a backup of this application (format ${JSON.stringify(manifest.format)} version ${manifest.version})`);
    }
    await ensureMigrated(target);

    // Files first (so every file the restored rows name is there when they commit)…
    const assetsDir = path.join(target.dataDir, 'assets');
    const backedUp = await listFiles(path.join(staging, 'assets'));
    for (const rel of backedUp) await placeFile(path.join(staging, 'assets', rel), path.join(assetsDir, rel), assetsDir);

    const client = await connect(target.url);
    try {
      await client.query('BEGIN');
      const current = await appliedMigrations(client, target.schema);
      if (current.join(',') !== manifest.migrations.join(',')) {
        throw new AppError('conflict',
          `${file} was made with migrations ${manifest.migrations.join(', ')}; schema "${target.schema}" has ${current.join(', ')}. ` +
          `Restore with the version of the server that made the backup, then upgrade.`);
      }
      const tables = (await listTables(client, target.schema)).filter((t) => t !== 'schema_migrations');
      const missing = manifest.tables.map((t) => t.name).filter((t) => t !== 'schema_migrations' && !tables.includes(t));
      if (missing.length) throw new AppError('conflict', `schema "${target.schema}" has no table ${missing.join(', ')}`);
      const fks = (await client.query<{ tbl: string; name: string; def: string }>(
        `SELECT c.relname AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS def
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE k.contype = 'f' AND n.nspname = $1 ORDER BY c.relname, k.conname`, [target.schema])).rows;
      for (const fk of fks) await client.query(`ALTER TABLE ${qualified(target.schema, fk.tbl)} DROP CONSTRAINT ${pg.escapeIdentifier(fk.name)}`);
      if (tables.length) await client.query(`TRUNCATE ${tables.map((t) => qualified(target.schema, t)).join(', ')}`);
      for (const t of manifest.tables) {
        if (t.name === 'schema_migrations') continue;
        await client.query(`ALTER TABLE ${qualified(target.schema, t.name)} DISABLE TRIGGER USER`);
        const loaded = await loadTable(client, target.schema, t.name, path.join(staging, 'db', `${t.name}.ndjson`));
        await client.query(`ALTER TABLE ${qualified(target.schema, t.name)} ENABLE TRIGGER USER`);
        if (loaded !== t.rows) throw new AppError('bad_request', `${file}: table ${t.name} holds ${loaded} rows, its manifest says ${t.rows}`);
      }
      for (const s of manifest.sequences) {
        await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [qualified(target.schema, s.name), s.lastValue, s.isCalled]);
      }
      for (const fk of fks) {
        await client.query(`ALTER TABLE ${qualified(target.schema, fk.tbl)} ADD CONSTRAINT ${pg.escapeIdentifier(fk.name)} ${fk.def}`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await client.end().catch(() => undefined);
    }

    // …and files the backup did not have, once no committed row can name them.
    const keep = new Set(backedUp);
    for (const rel of await listFiles(assetsDir)) {
      if (!keep.has(rel)) await fs.rm(path.join(assetsDir, rel), { force: true });
    }
    return manifest;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'dazhou-gis/backup' });
  // A lost connection fails the running statement; without a listener it would also crash the tool.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function qualified(schema: string, name: string): string {
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
}

async function listTables(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`, [schema]);
  return rows.map((r) => r.name);
}

async function listSequences(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname`, [schema]);
  return rows.map((r) => r.name);
}

async function appliedMigrations(client: pg.Client, schema: string): Promise<number[]> {
  const exists = await client.query(`SELECT to_regclass($1) AS t`, [qualified(schema, 'schema_migrations')]);
  if (!exists.rows[0].t) return [];
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${qualified(schema, 'schema_migrations')} ORDER BY version`);
  return rows.map((r) => Number(r.version));
}

/** An empty (or missing) schema gets the migrations first, as the server would apply them. */
async function ensureMigrated(target: BackupTarget): Promise<void> {
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 1,
    application_name: 'dazhou-gis/restore',
    onConnect: async (c: pg.ClientBase) => {
      await c.query(`SET search_path TO ${pg.escapeIdentifier(target.schema)}, public`);
    },
  } as pg.PoolConfig);
  pool.on('error', () => undefined);
  try {
    const { rows } = await pool.query(`SELECT to_regclass($1) AS t`, [qualified(target.schema, 'schema_migrations')]);
    if (rows[0].t) return;
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(target.schema)}`);
    await migrate(pool);
  } finally {
    await pool.end();
  }
}

/** Write every row of `table` as a row literal, one JSON string a line; returns the row count. */
async function dumpTable(client: pg.Client, schema: string, table: string, file: string): Promise<number> {
  const out = createWriteStream(file);
  const written = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let count = 0;
  try {
    await client.query(`DECLARE dump NO SCROLL CURSOR FOR SELECT t::text AS r FROM ${qualified(schema, table)} t`);
    for (;;) {
      const { rows } = await client.query<{ r: string }>(`FETCH ${BATCH} FROM dump`);
      if (!rows.length) break;
      count += rows.length;
      if (!out.write(rows.map((row) => JSON.stringify(row.r)).join('\n') + '\n')) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    await client.query('CLOSE dump');
  } finally {
    out.end();
    await written;
  }
  return count;
}

/** Insert the rows of a dump file into `table` (generated columns recomputed); returns the count. */
async function loadTable(client: pg.Client, schema: string, table: string, file: string): Promise<number> {
  const { rows: cols } = await client.query<{ name: string; identity: string }>(
    `SELECT a.attname AS name, a.attidentity AS identity FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`, [qualified(schema, table)]);
  const names = cols.map((c) => pg.escapeIdentifier(c.name));
  const overriding = cols.some((c) => c.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
  const insert = `INSERT INTO ${qualified(schema, table)} (${names.join(', ')})${overriding}
    SELECT ${names.map((n) => `(r).${n}`).join(', ')} FROM (SELECT x::${qualified(schema, table)} AS r FROM unnest($1::text[]) x) s`;
  let batch: string[] = [];
  let count = 0;
  const flush = async () => {
    if (!batch.length) return;
    await client.query(insert, [batch]);
    count += batch.length;
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line) as string);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return count;
}

/** Hard-link (or copy, across file systems) every file of `from`'s asset folders into `to`. */
async function linkTree(from: string, to: string): Promise<void> {
  for (const rel of await listFiles(from)) {
    const dest = path.join(to, rel);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.link(path.join(from, rel), dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST' || err.code === 'ENOENT') return; // linked in the first pass / removed meanwhile
      if (err.code === 'EXDEV' || err.code === 'EPERM') await fs.copyFile(path.join(from, rel), dest);
      else throw err;
    });
  }
}

/** Files (relative paths) under `root`'s asset folders, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, rel: string) => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else if (e.isFile()) found.push(r);
    }
  };
  for (const sub of ASSET_DIRS) await walk(path.join(root, sub), sub);
  return found.sort();
}

/** Put one backed-up file in place: written to the store's tmp/ and renamed (a reader never sees half a file). */
async function placeFile(src: string, dest: string, assetsDir: string): Promise<void> {
  // Copied even when the name exists: a derived file is named by its original's hash and may have
  // been re-made with other bytes since the backup.
  const tmp = path.join(assetsDir, 'tmp', `restore-${process.pid}-${path.basename(dest)}`);
  await fs.mkdir(path.dirname(tmp), { recursive: true });
  await fs.mkdir(path.dirname(dest), { recursive: true });
  await fs.copyFile(src, tmp);
  await fs.rename(tmp, dest);
}

/** A target for the configured installation, and how to let go of it afterwards. */
export interface OpenTarget {
  target: BackupTarget;
  /** Where the database was reached, for the tool's log line. */
  via: string;
  close(): Promise<void>;
}

/**
 * The installation `config` describes: DATABASE_URL, or the embedded database through the running
 * server's socket (`<dataDir>/embedded-db.json`). With no server running, the embedded database is
 * opened here (nothing else may have it open then).
 */
export async function openTarget(config: Pick<Config, 'databaseUrl' | 'dbSchema' | 'dataDir'>): Promise<OpenTarget> {
  const base = { schema: config.dbSchema, dataDir: config.dataDir };
  if (config.databaseUrl) return { target: { ...base, url: config.databaseUrl }, via: 'DATABASE_URL', close: async () => undefined };
  const info = await fs.readFile(socketInfoPath(config.dataDir), 'utf8').then((s) => JSON.parse(s) as { url?: string; pid?: number }, () => null);
  if (info?.url) {
    const probe = new pg.Client({ connectionString: info.url });
    probe.on('error', () => undefined);
    const reachable = await probe.connect().then(() => true, () => false);
    await probe.end().catch(() => undefined);
    if (reachable) return { target: { ...base, url: info.url }, via: `the running server's embedded database socket (pid ${info.pid})`, close: async () => undefined };
    if (info.pid && processAlive(info.pid)) {
      throw new AppError('unavailable', `the server (pid ${info.pid}) owns ${config.dataDir} but its database socket does not answer; try again when it is up`);
    }
  }
  const embedded = await startEmbedded(config.dataDir, 0, 4);
  return { target: { ...base, url: embedded.url }, via: `the embedded database in ${config.dataDir} (no server running)`, close: () => embedded.stop() };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
