/**
 * Starts one real server for the whole test run: embedded PGlite + PostGIS in a fresh temporary
 * data directory by default, or the PostgreSQL server of DATABASE_URL (in a schema of its own,
 * `app_test_<pid>`, created empty and dropped at the end). Tests reach it over HTTP and, for direct
 * checks, over `pg` at `dbUrl` (the embedded database is served on a loopback socket too).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../core/config.ts';
import { start, type Running } from '../server/main.ts';
import { socketInfoPath } from '../core/db/embedded.ts';

/** Credentials of the accounts the tests use. */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' };
// One schema per run, so concurrent runs against the same server never drop each other's tables.
const SCHEMA = `app_test_${process.pid}`;

let running: Running | undefined;
let dataDir: string | undefined;

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL ?? '';
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dz-test-'));
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  }
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    DB_SCHEMA: SCHEMA,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_USER: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    SEED_DEMO: 'true',
  });
  const logs: string[] = [];
  running = await start(config, (m) => logs.push(m));
  console.log(`[test server] ${logs.join('\n[test server] ')}`);
  const dbUrl = databaseUrl || JSON.parse(await fs.readFile(socketInfoPath(dataDir), 'utf8')).url;
  project.provide('baseUrl', running.url);
  project.provide('dbUrl', dbUrl);
  project.provide('dbSchema', SCHEMA);
  project.provide('dbEngine', running.db.engine);
  project.provide('dataDir', dataDir);

  return async () => {
    await running?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    if (databaseUrl) {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
      await pool.end();
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dbUrl: string;
    dbSchema: string;
    dbEngine: 'embedded' | 'postgres';
    dataDir: string;
  }
}
