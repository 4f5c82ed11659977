/**
 * Numbered `.sql` migrations (`NNN_name.sql` in ./migrations), applied in order at start.
 * Applied versions are recorded in `schema_migrations`; each migration runs in its own transaction,
 * so a failed one leaves nothing behind. An advisory lock keeps two servers from racing.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_112_700; // arbitrary, constant: "511700" with a prefix

/** A migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Read the migration files, sorted by version; rejects a repeated version. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new Error(`migration file name "${file}" must look like 001_name.sql`);
    const version = Number(m[1]);
    // Ascending and unique; a gap is allowed, since work numbered on separate branches lands in any order.
    const previous = migrations.at(-1)?.version ?? 0;
    if (version <= previous) {
      throw new Error(`migration "${file}" has version ${version}, after version ${previous}`);
    }
    migrations.push({ version, name: m[2], sql: await fs.readFile(path.join(dir, file), 'utf8') });
  }
  return migrations;
}

/** Apply every migration not yet applied; returns the versions applied now. */
export async function migrate(pool: pg.Pool, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of all) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
