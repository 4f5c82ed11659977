/**
 * The one way the server reaches PostgreSQL/PostGIS: a `pg.Pool`.
 *
 * With `DATABASE_URL` the pool connects to that server. Without it, an embedded PGlite + PostGIS is
 * started behind a loopback socket and the pool connects there. Everything above this file sees the
 * same `Database` either way; only `engine` tells them apart.
 */
import pg from 'pg';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
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
  /** `application_name` of the pool's connections (`pg_stat_activity` shows it), e.g. "dazhou-gis/app". */
  applicationName: string;
  /**
   * Embedded engine only: end every client connection from the database's side, with the FATAL
   * 57P01 message PostgreSQL's `pg_terminate_backend` sends (PGlite has one backend inside this
   * process, so there is no backend to terminate); returns how many were ended.
   */
  terminateConnections?(): Promise<number>;
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
    embedded = await startEmbedded(config.dataDir, config.embeddedDbPort, config.dbPoolSize + 8);
    url = embedded.url;
  }
  const schema = config.dbSchema;
  const sessionSetup =
    `SET search_path TO ${pg.escapeIdentifier(schema)}, public; ` +
    `SET statement_timeout TO ${Math.trunc(config.dbStatementTimeoutMs)}`;
  const applicationName = `dazhou-gis/${schema}`.slice(0, 63);
  const pool = new pg.Pool({
    connectionString: url,
    application_name: applicationName,
    max: config.dbPoolSize,
    idleTimeoutMillis: 30_000,
    // A request waits at most this long for a connection (a new one, or a free one of the pool);
    // then it fails as "unavailable" (503) instead of hanging while the database is gone.
    connectionTimeoutMillis: config.dbConnectTimeoutMs,
    // Runs before the pool hands a new connection to anyone (pg-pool awaits it).
    onConnect: async (client: pg.ClientBase) => {
      await client.query(sessionSetup);
    },
  } as pg.PoolConfig);
  // An idle connection that fails (database restarted, backend terminated) is reported here and
  // dropped by the pool. A connection in use has no pool listener: without one of its own, its
  // 'error' event ("Connection terminated unexpectedly", 57P01) would crash the process. The
  // query running on it fails on its own, and `release` drops a connection that is not queryable.
  pool.on('error', (err) => console.error(`database: idle connection lost (${describe(err)}); the pool reconnects`));
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (!isConnectionLost(err)) console.error(`database: connection error (${describe(err)})`);
    });
  });

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
      applicationName,
      terminateConnections: embedded?.terminateConnections,
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
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is gone: release it as broken so the pool drops it.
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** SQLSTATEs meaning the connection or the server went away (classes 08 and 57P, 53300). */
const LOST_CODES = new Set(['57P01', '57P02', '57P03', '57P04', '57P05', '53300', '08000', '08001', '08003', '08004', '08006', '08P01']);
/** Node socket errors of a database that cannot be reached. */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** Messages node-postgres and pg-pool use for a lost or unobtainable connection. */
const LOST_MESSAGE = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

/**
 * Whether `err` says the database connection was lost or could not be made (a terminated backend,
 * a restarting or unreachable server, no free connection in time), rather than that a statement
 * failed. The error middleware answers these with 503 `unavailable`.
 */
export function isConnectionLost(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (LOST_CODES.has(e.code) || NET_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && LOST_MESSAGE.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isConnectionLost(e.cause);
}

/** The 503 for a lost database connection, or undefined when `err` is something else. */
export function unavailableError(err: unknown): AppError | undefined {
  if (!isConnectionLost(err)) return undefined;
  return new AppError('unavailable', `the database is unavailable right now (${describe(err)}); the server reconnects by itself, retry in a few seconds`);
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code} ${message}` : message;
}
