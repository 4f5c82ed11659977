/**
 * Entry point: `npm start`. Opens the database (embedded PGlite + PostGIS unless DATABASE_URL is
 * set), applies migrations, creates the first admin, loads the demo data into an empty database
 * and serves the API and the web client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { loadConfig, type Config } from '../core/config.ts';
import { openDatabase, type Database } from '../core/db/database.ts';
import { securePrivateDir } from '../core/db/embedded.ts';
import { migrate } from '../core/db/migrate.ts';
import { createApp } from './app.ts';
import { seedDemo } from './demo/demo.service.ts';
import { NearestRepository } from './selection/nearest.repository.ts';
import { NearestWorker } from './selection/nearest.worker.ts';

/** An import batch without a heartbeat this long (s) was interrupted (import.service.ts beats every 15 s). */
const IMPORT_STALE_S = 120;

/** A running server. */
export interface Running {
  url: string;
  db: Database;
  stop(): Promise<void>;
}

/** Start everything; resolves once the HTTP server listens. */
export async function start(config: Config, log: (msg: string) => void = console.log): Promise<Running> {
  const t0 = performance.now();
  const ms = () => `${Math.round(performance.now() - t0)} ms`;
  // DATA_DIR holds the database, the socket password and every upload: private to this user
  // (directory 0700; what the server creates in it 0600 files / 0700 directories).
  if (isMainThread) process.umask(0o077);
  await securePrivateDir(config.dataDir);
  const db = await openDatabase(config);
  log(`database: ${db.engine === 'embedded' ? `embedded PGlite (${config.dataDir})` : 'PostgreSQL'} · PostGIS ${db.postgis} · ST_AsMVT ${db.hasMvt ? 'yes' : 'no'} · ${ms()}`);
  try {
    const applied = await migrate(db.pool);
    if (applied.length) log(`migrations applied: ${applied.join(', ')} · ${ms()}`);
    const { listener, auth, tiles, imports, imagery, tilesetJobs } = createApp(db, config);
    // No other process imports into the embedded database (it lives in this one): every batch
    // still in progress was interrupted. On PostgreSQL the CLI or another server may be importing,
    // so only batches without a heartbeat for a while count, now and every minute.
    const recovered = await imports.recoverInterrupted(db.engine === 'embedded' ? 0 : IMPORT_STALE_S);
    if (recovered) log(`import batches interrupted by a stop marked failed: ${recovered}`);
    const importSweeper = setInterval(() => void imports.recoverInterrupted(IMPORT_STALE_S).catch(() => undefined), 60_000);
    importSweeper.unref();
    const collected = await imports.collectGarbage().catch((err) => {
      log(`asset garbage collection failed: ${(err as Error).message}`);
      return 0;
    });
    if (collected) log(`stored originals no batch, photo or 3D asset refers to removed: ${collected}`);
    const interrupted = await tilesetJobs.recover().catch(() => 0);
    if (interrupted) log(`OSGB conversions a stop interrupted, marked failed: ${interrupted}`);
    const resumed = await imagery.resumeInterrupted().catch(() => 0);
    if (resumed) log(`orthophotos whose tiles a stop interrupted, cutting again: ${resumed}`);
    const admin = await auth.ensureFirstAdmin(config.adminUser, config.adminPassword);
    if (admin.created) {
      log(admin.generatedPassword
        ? `created admin "${config.adminUser}" with generated password: ${admin.generatedPassword} (set ADMIN_PASSWORD to choose one)`
        : `created admin "${config.adminUser}" from ADMIN_PASSWORD`);
    }
    if (config.seedDemo) {
      await seedDemo(db.pool, config, (line) => log(`${line} · ${ms()}`));
    }
    await tiles.init();
    log(`tiles: ${tiles.options.encoder === 'native' ? 'ST_AsMVT (PostGIS)' : 'Node encoder (PostGIS without protobuf)'}`);
    const sweeper = setInterval(() => auth.purgeExpired().catch(() => undefined), 3600_000);
    sweeper.unref();
    // Keeps site selection's stored nearest-amenity distances current (migration 007), on both
    // engines: site selection answers from them (its candidate table) and measures live only what
    // is not stored yet. PGlite runs one transaction at a time in this process and a KNN probe
    // costs about 1 ms there, so its steps stay small (20 carriers ≈ 0.2 s) and requests queued
    // meanwhile run between them.
    const nearestBatch = db.engine === 'postgres' ? config.nearestBatch : Math.min(config.nearestBatch, 20);
    const nearest = new NearestWorker(new NearestRepository(db.pool), { intervalMs: config.nearestRefreshMs, batch: nearestBatch, log });
    nearest.start();
    const server = http.createServer(listener);
    // A multi-GB orthophoto upload over an ordinary link takes longer than Node's default 5-minute
    // limit on a whole request (requestTimeout: the upload would get 408 part-way); the request head
    // stays bounded by headersTimeout (60 s) and the body by IMAGERY_MAX_FILE_MB and the other limits.
    server.requestTimeout = 0;
    server.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    log(`ready in ${ms()}: ${url}`);
    return {
      url,
      db,
      async stop() {
        clearInterval(sweeper);
        clearInterval(importSweeper);
        await nearest.stop();
        await tilesetJobs.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

// Run when executed directly (not when imported by tests).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const running = await start(loadConfig()).catch((err) => {
    console.error(`failed to start: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await running.stop().catch((err) => console.error(err));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
