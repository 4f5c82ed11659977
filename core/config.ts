/**
 * Configuration, read once from the environment into a typed, frozen object.
 *
 * Every option and its default lives in the `DEFAULTS` block below; `config.example.env`
 * at the repository root documents each one. Nothing else in the code reads `process.env`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding package.json). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Config {
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** Interface to bind the HTTP server to. */
  host: string;
  /** PostgreSQL/PostGIS connection string. Empty → embedded PGlite + PostGIS. */
  databaseUrl: string;
  /** Folder for the embedded database, uploaded originals and derived assets. */
  dataDir: string;
  /** Loopback port of the embedded database socket (0 = any free port). */
  embeddedDbPort: number;
  /** PostgreSQL schema that holds every table of the application. */
  dbSchema: string;
  /** Statement timeout for request-scoped queries, in milliseconds. */
  dbStatementTimeoutMs: number;
  /** Size of the pg connection pool. */
  dbPoolSize: number;
  /** Longest wait (ms) for a database connection, new or from the pool; then the request gets 503. */
  dbConnectTimeoutMs: number;
  /** First admin, created on first start when no admin exists. */
  adminUser: string;
  adminPassword: string;
  /** Absolute session lifetime in hours: a session ends this long after sign-in, however active. */
  sessionHours: number;
  /** Idle timeout in minutes: a session unused this long ends. */
  sessionIdleMinutes: number;
  /** Set the `Secure` flag on the session cookie and send HSTS (the site is served over HTTPS). */
  cookieSecure: boolean;
  /** Public origin of the site (`https://gis.example.cn`), used for share links and as an allowed Origin; empty → the address the request came in on. */
  publicBaseUrl: string;
  /** Extra origins allowed to make state-changing requests (comma-separated), besides PUBLIC_BASE_URL and same-origin. */
  allowedOrigins: readonly string[];
  /** Express `trust proxy` value (`loopback`, `1`, a subnet list); empty → X-Forwarded-* headers are ignored. */
  trustProxy: string;
  /** Sign-in throttling: failures per account, failures per client address, within the window, then locked. */
  loginMaxFailures: number;
  loginIpMaxFailures: number;
  loginWindowMinutes: number;
  loginLockoutMinutes: number;
  /** Load the generated Dazhou demo data into an empty database on start. */
  seedDemo: boolean;
  /** Optional raster basemap tile URL template (e.g. 天地图 WMTS with its key); empty → offline basemap. */
  basemapUrl: string;
  /** Attribution shown for the optional basemap. */
  basemapAttribution: string;
  /** Folder of the built web client served at `/`. */
  webDist: string;
  /** Log each HTTP request. */
  logRequests: boolean;
  /** Vector-tile encoder: auto (native ST_AsMVT when PostGIS has protobuf), native or node. */
  tileEncoder: 'auto' | 'native' | 'node';
  /** In-memory tile cache size in MiB. */
  tileCacheMb: number;
  /** Most features one layer may put in one tile. */
  tileFeatureCap: number;
  /** Most distinct layers one tile URL may name (400 beyond). */
  tileMaxLayers: number;
  /** Tiles rendered at once; further misses wait in a queue (other requests never wait for it). */
  tileRenderConcurrency: number;
  /** Cache-Control max-age (s) of public tiles. */
  tileMaxAgeS: number;
  /** How often (ms) the change log is read to purge changed tiles. */
  tileSyncMs: number;
  /** Upload limits: per file, file count, whole request. */
  uploadMaxFileMb: number;
  uploadMaxFiles: number;
  uploadMaxTotalMb: number;
  /** Largest orthophoto GeoTIFF one upload may be (MiB); it is streamed to disk, never held in memory. */
  imageryMaxFileMb: number;
  /** Heap limit (MiB) of the child process that reads one import's files; beyond it only that process dies (413). */
  importMemoryMb: number;
  /** Import reader processes at once; further imports wait. */
  importConcurrency: number;
  /** Service area of imports: Dazhou's county-level units plus this many km (carriers/amenities beyond are rejected). */
  serviceAreaBufferKm: number;
  /** Site selection: pause (ms) of the worker that keeps stored nearest-amenity distances current; 0 = off (distances measured live). */
  nearestRefreshMs: number;
  /** Site selection: carriers the nearest-amenity worker measures per transaction. */
  nearestBatch: number;
}

const DEFAULTS = {
  PORT: '8080',
  HOST: '0.0.0.0',
  DATABASE_URL: '',
  DATA_DIR: path.join(ROOT_DIR, '.data'),
  EMBEDDED_DB_PORT: '0',
  DB_SCHEMA: 'app',
  DB_STATEMENT_TIMEOUT_MS: '15000',
  DB_POOL_SIZE: '8',
  DB_CONNECT_TIMEOUT_MS: '10000',
  ADMIN_USER: 'admin',
  ADMIN_PASSWORD: '',
  SESSION_HOURS: '12',
  SESSION_IDLE_MINUTES: '120',
  COOKIE_SECURE: 'false',
  // Security (server/http/security.ts, server/auth/login-throttle.ts).
  PUBLIC_BASE_URL: '',
  ALLOWED_ORIGINS: '',
  TRUST_PROXY: '',
  LOGIN_MAX_FAILURES: '5',
  LOGIN_IP_MAX_FAILURES: '30',
  LOGIN_WINDOW_MINUTES: '15',
  LOGIN_LOCKOUT_MINUTES: '15',
  SEED_DEMO: 'true',
  BASEMAP_URL: '',
  BASEMAP_ATTRIBUTION: '',
  WEB_DIST: path.join(ROOT_DIR, 'web', 'dist'),
  LOG_REQUESTS: 'false',
  TILE_ENCODER: 'auto',
  TILE_CACHE_MB: '128',
  TILE_FEATURE_CAP: '20000',
  TILE_MAX_LAYERS: '16',
  TILE_RENDER_CONCURRENCY: '4',
  TILE_MAX_AGE_S: '60',
  TILE_SYNC_MS: '1000',
  UPLOAD_MAX_FILE_MB: '200',
  UPLOAD_MAX_FILES: '2000',
  UPLOAD_MAX_TOTAL_MB: '2048',
  IMAGERY_MAX_FILE_MB: '20480',
  IMPORT_MEMORY_MB: '768',
  IMPORT_CONCURRENCY: '2',
  SERVICE_AREA_BUFFER_KM: '10',
  // Site selection: stored nearest amenities (server/selection/nearest.worker.ts).
  NEAREST_REFRESH_MS: '1000',
  NEAREST_BATCH: '200',
} as const;

type Key = keyof typeof DEFAULTS;

/** Thrown when an environment variable cannot be parsed; names the variable and value. */
export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, key: Key, min: number, max: number): number {
  const raw = env[key] ?? DEFAULTS[key];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, key: Key): boolean {
  const raw = String(env[key] ?? DEFAULTS[key]).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, key: Key, values: readonly T[]): T {
  const raw = String(env[key] ?? DEFAULTS[key]);
  if (!values.includes(raw as T)) throw new ConfigError(`${key} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

function str(env: NodeJS.ProcessEnv, key: Key): string {
  return String(env[key] ?? DEFAULTS[key]);
}

/** An origin (`scheme://host[:port]`, no path) or a base URL reduced to its origin; empty stays empty. */
function origin(key: Key, raw: string): string {
  if (!raw) return '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an http(s) URL such as https://gis.example.cn, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${key} must use http or https, got "${raw}"`);
  return url.origin;
}

/** Parse a configuration from an environment (defaults to `process.env`). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const dbSchema = str(env, 'DB_SCHEMA');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbSchema)) {
    throw new ConfigError(`DB_SCHEMA must be a lower-case SQL identifier, got "${dbSchema}"`);
  }
  return Object.freeze({
    port: int(env, 'PORT', 0, 65535),
    host: str(env, 'HOST'),
    databaseUrl: str(env, 'DATABASE_URL'),
    dataDir: path.resolve(str(env, 'DATA_DIR')),
    embeddedDbPort: int(env, 'EMBEDDED_DB_PORT', 0, 65535),
    dbSchema,
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 100, 600000),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 1, 100),
    dbConnectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 100, 600_000),
    adminUser: str(env, 'ADMIN_USER'),
    adminPassword: str(env, 'ADMIN_PASSWORD'),
    sessionHours: int(env, 'SESSION_HOURS', 1, 24 * 90),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 1, 60 * 24 * 90),
    cookieSecure: bool(env, 'COOKIE_SECURE'),
    publicBaseUrl: origin('PUBLIC_BASE_URL', str(env, 'PUBLIC_BASE_URL').trim()),
    allowedOrigins: Object.freeze(str(env, 'ALLOWED_ORIGINS').split(',').map((o) => o.trim()).filter(Boolean).map((o) => origin('ALLOWED_ORIGINS', o))),
    trustProxy: str(env, 'TRUST_PROXY').trim(),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 1, 1000),
    loginIpMaxFailures: int(env, 'LOGIN_IP_MAX_FAILURES', 1, 100_000),
    loginWindowMinutes: int(env, 'LOGIN_WINDOW_MINUTES', 1, 24 * 60),
    loginLockoutMinutes: int(env, 'LOGIN_LOCKOUT_MINUTES', 1, 24 * 60),
    seedDemo: bool(env, 'SEED_DEMO'),
    basemapUrl: str(env, 'BASEMAP_URL'),
    basemapAttribution: str(env, 'BASEMAP_ATTRIBUTION'),
    webDist: path.resolve(str(env, 'WEB_DIST')),
    logRequests: bool(env, 'LOG_REQUESTS'),
    tileEncoder: oneOf(env, 'TILE_ENCODER', ['auto', 'native', 'node'] as const),
    tileCacheMb: int(env, 'TILE_CACHE_MB', 0, 65536),
    tileFeatureCap: int(env, 'TILE_FEATURE_CAP', 1, 1_000_000),
    tileMaxLayers: int(env, 'TILE_MAX_LAYERS', 1, 256),
    tileRenderConcurrency: int(env, 'TILE_RENDER_CONCURRENCY', 1, 256),
    tileMaxAgeS: int(env, 'TILE_MAX_AGE_S', 0, 31_536_000),
    tileSyncMs: int(env, 'TILE_SYNC_MS', 0, 3_600_000),
    uploadMaxFileMb: int(env, 'UPLOAD_MAX_FILE_MB', 1, 100_000),
    uploadMaxFiles: int(env, 'UPLOAD_MAX_FILES', 1, 100_000),
    uploadMaxTotalMb: int(env, 'UPLOAD_MAX_TOTAL_MB', 1, 1_000_000),
    imageryMaxFileMb: int(env, 'IMAGERY_MAX_FILE_MB', 1, 1_000_000),
    importMemoryMb: int(env, 'IMPORT_MEMORY_MB', 64, 65_536),
    importConcurrency: int(env, 'IMPORT_CONCURRENCY', 1, 64),
    serviceAreaBufferKm: int(env, 'SERVICE_AREA_BUFFER_KM', 0, 10_000),
    nearestRefreshMs: int(env, 'NEAREST_REFRESH_MS', 0, 3_600_000),
    nearestBatch: int(env, 'NEAREST_BATCH', 1, 100_000),
  });
}
