/**
 * Builds the Express application from a connected database and the configuration:
 * services and repositories wired once, routes mounted from their declarations, the web client
 * served as static files, one error middleware.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Config } from '../core/config.ts';
import type { Database } from '../core/db/database.ts';
import { AuthRepository } from './auth/auth.repository.ts';
import { AuthService } from './auth/auth.service.ts';
import { authRoutes, sessionMiddleware } from './auth/auth.route.ts';
import { userRoutes } from './auth/users.route.ts';
import { FeaturesRepository } from './features/features.repository.ts';
import { FeaturesService } from './features/features.service.ts';
import { featureRoutes } from './features/features.route.ts';
import { StatsRepository } from './stats/stats.repository.ts';
import { StatsService } from './stats/stats.service.ts';
import { statsRoutes } from './stats/stats.route.ts';
import { AppError } from '../core/errors.ts';
import { errorHandler } from './http/error-handler.ts';
import { mount, type RouteSpec } from './http/route.ts';
import { openApiDocument } from './http/openapi.ts';
import { systemRoutes } from './http/system.route.ts';
import { originCheck, securityHeaders as securityHeadersFor, trustProxySetting } from './http/security.ts';
import { TilesRepository } from '../tiles/tiles.repository.ts';
import { TilesService } from '../tiles/tiles.service.ts';
import { tileCacheHits, tileRoutes } from './tiles/tiles.route.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importRoutes } from './imports/imports.route.ts';
import { createImportService } from '../survey-import/pipeline/create.ts';
import { OgcService } from './ogc/ogc.service.ts';
import { TemporalRepository } from './ogc/temporal.repository.ts';
import { ogcRoutes } from './ogc/ogc.route.ts';
import { ExportsService } from './exports/exports.service.ts';
import { exportRoutes } from './exports/exports.route.ts';
import { SelectionRepository } from './selection/selection.repository.ts';
import { SelectionService } from './selection/selection.service.ts';
import { ShortlistsRepository } from './selection/shortlists.repository.ts';
import { ShortlistsService } from './selection/shortlists.service.ts';
import { selectionRoutes } from './selection/selection.route.ts';
import { ThreeDRepository } from './three-d/three-d.repository.ts';
import { ThreeDService } from './three-d/three-d.service.ts';
import { threeDRoutes } from './three-d/three-d.route.ts';
import { TilesetJobService } from './three-d/tileset-jobs.service.ts';
import { DEFAULT_ZIP_LIMITS } from '../survey-import/three-d/safe-zip.ts';
import { LocalAssetStore } from '../assets/storage.ts';
import { PanoramasRepository } from './panoramas/panoramas.repository.ts';
import { PanoramasService } from './panoramas/panoramas.service.ts';
import { panoramaRoutes } from './panoramas/panoramas.route.ts';
import { carrierPhotoRoutes } from './photos/carrier-photos.route.ts';
import { CarrierPhotosService } from './photos/carrier-photos.service.ts';
import { CarrierPhotosRepository } from './photos/carrier-photos.repository.ts';
import { ToursRepository } from './tours/tours.repository.ts';
import { ToursService } from './tours/tours.service.ts';
import { tourRoutes } from './tours/tours.route.ts';
import { EnquiriesRepository } from './enquiries/enquiries.repository.ts';
import { EnquiriesService } from './enquiries/enquiries.service.ts';
import { enquiryRoutes } from './enquiries/enquiries.route.ts';
import { PortalRepository } from './portal/portal.repository.ts';
import { PortalService } from './portal/portal.service.ts';
import { portalRoutes } from './portal/portal.route.ts';
import { PoliciesRepository } from './policies/policies.repository.ts';
import { PoliciesService } from './policies/policies.service.ts';
import { policyRoutes } from './policies/policies.route.ts';
import { PageTemplates } from './portal/page-template.ts';
import { EditsRepository } from './edits/edits.repository.ts';
import { EditsService } from './edits/edits.service.ts';
import { editRoutes } from './edits/edits.route.ts';
import { ImageryRepository } from './imagery/imagery.repository.ts';
import { ImageryService } from './imagery/imagery.service.ts';
import { imageryRoutes } from './imagery/imagery.route.ts';
import { SearchRepository } from './search/search.repository.ts';
import { SearchService } from './search/search.service.ts';
import { searchRoutes } from './search/search.route.ts';

/** Version reported by the API. */
export const VERSION = '0.1.0';

/** The application and the services other entry points (CLI, tests) reuse. */
export interface App {
  app: Express;
  /** The HTTP request listener: cached public tiles first, then the Express app. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  auth: AuthService;
  tiles: TilesService;
  imports: ReturnType<typeof createImportService>;
  /** Orthophotos (their tiles are cut in the background; `resumeInterrupted` at start). */
  imagery: ImageryService;
  /** OSGB conversions (run in the background; `recover` at start, `stop` at shutdown). */
  tilesetJobs: TilesetJobService;
  routes: readonly RouteSpec[];
}

/** Create the HTTP application. */
export function createApp(db: Database, config: Config): App {
  const auth = new AuthService(new AuthRepository(db.pool), {
    sessionHours: config.sessionHours, sessionIdleMinutes: config.sessionIdleMinutes,
    loginMaxFailures: config.loginMaxFailures, loginIpMaxFailures: config.loginIpMaxFailures,
    loginWindowMinutes: config.loginWindowMinutes, loginLockoutMinutes: config.loginLockoutMinutes,
  });
  const featuresRepo = new FeaturesRepository(db.pool);
  const features = new FeaturesService(featuresRepo);
  const stats = new StatsService(new StatsRepository(db.pool));
  const encoder = config.tileEncoder === 'auto' ? (db.hasMvt ? 'native' : 'node') : config.tileEncoder;
  if (encoder === 'native' && !db.hasMvt) throw new Error('TILE_ENCODER=native needs PostGIS with protobuf (ST_AsMVT); this database has none');
  const tiles = new TilesService(new TilesRepository(db.pool), {
    encoder, cacheBytes: config.tileCacheMb * 1024 * 1024, featureCap: config.tileFeatureCap, syncIntervalMs: config.tileSyncMs,
    maxLayers: config.tileMaxLayers, renderConcurrency: config.tileRenderConcurrency,
  });

  const imports = createImportService(db.pool, config.dataDir, () => tiles.sync(), { memoryMb: config.importMemoryMb, concurrency: config.importConcurrency }, { bufferKm: config.serviceAreaBufferKm });
  const MB = 1024 * 1024;
  const uploadLimits = { maxFileBytes: config.uploadMaxFileMb * MB, maxFiles: config.uploadMaxFiles, maxTotalBytes: config.uploadMaxTotalMb * MB };

  const imageryStore = new LocalAssetStore(config.dataDir);
  const imagery = new ImageryService(new ImageryRepository(db.pool), imageryStore, config.dataDir);

  const threeDRepo = new ThreeDRepository(db.pool);
  const threeDStore = new LocalAssetStore(config.dataDir);
  const tilesetJobs = new TilesetJobService(threeDRepo, threeDStore, path.join(config.dataDir, 'work', 'tileset-jobs'), DEFAULT_ZIP_LIMITS);
  const threeD = new ThreeDService(threeDRepo, threeDStore, DEFAULT_ZIP_LIMITS, tilesetJobs);

  const policies = new PoliciesService(new PoliciesRepository(db.pool), new LocalAssetStore(config.dataDir));
  // The site finder answers from site selection's in-memory candidate table when it is current.
  const selection = new SelectionService(new SelectionRepository(db.pool));
  const routes: RouteSpec[] = [];
  routes.push(
    ...systemRoutes(db, config, VERSION, (viewer) => openApiDocument(routes, VERSION, '/', viewer)),
    ...authRoutes(auth, { sessionHours: config.sessionHours, cookieSecure: config.cookieSecure }),
    ...userRoutes(auth),
    ...featureRoutes(features),
    ...statsRoutes(stats),
    ...tileRoutes(tiles, config),
    ...ogcRoutes(new OgcService(featuresRepo, new TemporalRepository(db.pool))),
    ...exportRoutes(new ExportsService(featuresRepo)),
    ...importRoutes(imports, uploadLimits),
    ...selectionRoutes(selection, new ShortlistsService(new ShortlistsRepository(db.pool)), config),
    ...threeDRoutes(threeD, uploadLimits),
    ...panoramaRoutes(new PanoramasService(new PanoramasRepository(db.pool), new LocalAssetStore(config.dataDir))),
    ...carrierPhotoRoutes(new CarrierPhotosService(new CarrierPhotosRepository(db.pool)), new PanoramasService(new PanoramasRepository(db.pool), new LocalAssetStore(config.dataDir))),
    ...tourRoutes(new ToursService(new ToursRepository(db.pool)), new PanoramasService(new PanoramasRepository(db.pool), new LocalAssetStore(config.dataDir))),
    ...enquiryRoutes(new EnquiriesService(new EnquiriesRepository(db.pool))),
    ...policyRoutes(policies, uploadLimits),
    ...portalRoutes(new PortalService(new PortalRepository(db.pool), policies), new PageTemplates(config.webDist)),
    // Publishing purges changed tiles at once instead of at the next change-log poll.
    ...editRoutes(new EditsService(new EditsRepository(db.pool), () => tiles.sync())),
    ...imageryRoutes(imagery, imageryStore, config),
    ...searchRoutes(new SearchService(new SearchRepository(db.pool), selection.candidateTable)),
  );

  const securityHeaders = securityHeadersFor(config);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.trustProxy));
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    securityHeaders(res);
    if (config.logRequests) {
      const t0 = performance.now();
      res.on('finish', () => console.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${(performance.now() - t0).toFixed(1)}ms`));
    }
    next();
  });
  app.use(originCheck(config));
  // The public enquiry form gets a small body limit of its own (the later parser skips a parsed body).
  app.use('/api/enquiries', express.json({ limit: '16kb' }));
  app.use('/api', express.json({ limit: '1mb' }));
  app.use(['/api', '/tiles', '/ogc', '/3dtiles'], sessionMiddleware(auth));
  mount(app, routes);
  app.use(['/api', '/tiles', '/ogc', '/3dtiles'], (req) => {
    throw new AppError('not_found', `no API route ${req.method} ${req.originalUrl}`);
  });

  // `/` is the portal (a route above); other unknown paths get the map page.
  const index = path.join(config.webDist, 'map.html');
  app.use(express.static(config.webDist, { index: 'index.html', maxAge: '1h' }));
  app.get('/{*path}', (_req, res) => {
    if (fs.existsSync(index)) res.sendFile(index);
    else res.status(503).type('text/plain').send('The web client is not built yet: run "npm run build:web".');
  });
  app.use(errorHandler);
  // Cached public tiles are answered before Express (whose routing costs several times what a
  // cache hit does); with request logging on, everything goes through the app and is logged.
  const cacheHits = tileCacheHits(tiles, config);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    if (config.logRequests || !cacheHits(req, res)) app(req, res);
  };
  return { app, listener, auth, tiles, imports, imagery, tilesetJobs, routes };
}
