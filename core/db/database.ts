/**
 * The one way the server reaches PostgreSQL/PostGIS: a `pg.Pool`.
 *
 * With `DATABASE_URL` the pool connects to that server. Without it, an embedded PGlite + PostGIS is
 * started behind a loopback socket and the pool connects there. Everything above this file sees the
 * same `Database` either way; only `engine` tells them apart.
 */
import pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded, type EmbeddedDatabase } from './embedded.ts';

/** A connected database and what it can do. */
export interface Database {
  pool: pg.Pool;
  engine: 'embedded' | 'postgres';
  /** PostGIS version, e.g. "3.6.2". */
  postgis: string;
  /** Whether `ST_AsMVT` works (real PostGIS has protobuf; the PGlite build does not). */
  hasMvt: boolean;
  /** Schema holding the application's tables. */
  schema: string;
  close(): Promise<void>;
}

// int8 (bigserial ids, count(*)) as JS numbers: ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as number (prices, indicators); nulls stay null.
pg.types.setTypeParser(1700, (v) => Number(v));
// date as the plain ISO string, never shifted by the process time zone.
pg.types.setTypeParser(1082, (v) => v);

/** Open the database described by the configuration, creating the schema and PostGIS if needed. */
export async function openDatabase(config: Config): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbedded(config.dataDir, config.embeddedDbPort, config.dbPoolSize + 4);
    url = embedded.url;
  }
  const schema = config.dbSchema;
  const sessionSetup =
    `SET search_path TO ${pg.escapeIdentifier(schema)}, public; ` +
    `SET statement_timeout TO ${Math.trunc(config.dbStatementTimeoutMs)}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: config.dbPoolSize,
    idleTimeoutMillis: 30_000,
    // Runs before the pool hands a new connection to anyone (pg-pool awaits it).
    onConnect: async (client: pg.ClientBase) => {
      await client.query(sessionSetup);
    },
  } as pg.PoolConfig);
  pool.on('error', (err) => console.error('database pool error:', err.message));

  try {
    await ensurePostgis(pool);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    const { rows } = await pool.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    const hasMvt = await probeMvt(pool);
    return {
      pool,
      engine: embedded ? 'embedded' : 'postgres',
      postgis: rows[0].v,
      hasMvt,
      schema,
      async close() {
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

async function ensurePostgis(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
  if (rows.length) return;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    throw new Error(
      `PostGIS is not installed in this database and could not be created (${(err as Error).message}). ` +
        `Install postgresql-15-postgis-3 and run "CREATE EXTENSION postgis" as a superuser.`,
    );
  }
}

async function probeMvt(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query(
      `SELECT ST_AsMVT(t) FROM (SELECT ST_AsMVTGeom(ST_Point(0, 0, 3857), ST_TileEnvelope(0, 0, 0)) AS geom) t`,
    );
    return true;
  } catch {
    return false;
  }
}

/** Run `fn` inside one transaction on one connection; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
