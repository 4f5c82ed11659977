/**
 * In-memory LRU cache of encoded tiles with exact purge.
 *
 * Keys are `audience/layers/z/x/y`, where `layers` is the tile's comma-separated layer list and the
 * audience separates what the public may see from what signed-in staff may see, so a draft can
 * never be served from the cache to an anonymous caller. Each entry holds the MVT bytes and the
 * same bytes pre-compressed (gzip, brotli), so a hit sends stored bytes and compresses nothing; the
 * byte budget counts every stored encoding. `purge(layer, bbox)` removes exactly the cached tiles
 * holding that layer, at every zoom, whose envelope (with the tile buffer) touches the bbox.
 */
import { lonLatToTile } from './tile-math.ts';

/** Who a tile was rendered for. */
export type Audience = 'public' | 'staff';

/** Bytes as sent in one content coding, with the ETag of exactly those bytes. */
export interface Representation {
  body: Uint8Array;
  /** Strong ETag, quoted; empty for an empty tile. */
  etag: string;
}

/**
 * A cached tile: the MVT (identity coding; empty for a tile without features) and, where
 * compressing saves bytes, its gzip and brotli copies.
 */
export interface CachedTile extends Representation {
  gzip?: Representation;
  br?: Representation;
}

interface Entry {
  tile: CachedTile;
  layers: readonly string[];
  z: number;
  x: number;
  y: number;
  bytes: number;
}

/** Tile buffer as a fraction of a tile (64 of 4096 units), as in the tile queries. */
const BUFFER = 64 / 4096;

/** Bytes a tile occupies in the cache: every encoding it stores. */
export function storedBytes(tile: CachedTile): number {
  return tile.body.byteLength + (tile.gzip?.body.byteLength ?? 0) + (tile.br?.body.byteLength ?? 0);
}

/** Bounded tile cache. */
export class TileCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private purges = 0;
  /** Counters for observability and tests. */
  readonly stats = { hits: 0, misses: 0, purged: 0 };

  constructor(private readonly maxBytes: number) {}

  private static key(audience: Audience, layers: string, z: number, x: number, y: number) {
    return `${audience}/${layers}/${z}/${x}/${y}`;
  }

  /** Whether tiles can be stored at all (a zero budget disables the cache). */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /**
   * Counts purges. Read it before rendering a tile and pass it to `set`: a tile rendered while a
   * purge ran may hold data the purge was meant to drop, so it is not stored.
   */
  get generation(): number {
    return this.purges;
  }

  /** The cached tile of `layers` (one id or a comma-separated list), marked most recently used. */
  get(audience: Audience, layers: string, z: number, x: number, y: number): CachedTile | undefined {
    const k = TileCache.key(audience, layers, z, x, y);
    const e = this.entries.get(k);
    if (!e) {
      this.stats.misses++;
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.entries.delete(k);
    this.entries.set(k, e);
    this.stats.hits++;
    return e.tile;
  }

  has(audience: Audience, layers: string, z: number, x: number, y: number): boolean {
    return this.entries.has(TileCache.key(audience, layers, z, x, y));
  }

  /**
   * Store a tile, evicting the least recently used ones beyond the byte budget. With `generation`
   * (read before rendering) the tile is dropped if a purge happened since.
   */
  set(audience: Audience, layers: string, z: number, x: number, y: number, tile: CachedTile, generation?: number): void {
    if (generation !== undefined && generation !== this.purges) return;
    const k = TileCache.key(audience, layers, z, x, y);
    const old = this.entries.get(k);
    if (old) {
      this.bytes -= old.bytes;
      this.entries.delete(k);
    }
    const bytes = storedBytes(tile);
    if (!this.enabled || bytes > this.maxBytes) return;
    this.entries.set(k, { tile, layers: layers.split(','), z, x, y, bytes });
    this.bytes += bytes;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.bytes;
    }
  }

  /**
   * Remove every cached tile holding `layer` (all audiences, all zooms) whose buffered envelope
   * touches `bbox` [west, south, east, north], in every encoding. Returns the removed keys.
   */
  purge(layer: string, bbox: [number, number, number, number]): string[] {
    this.purges++;
    const removed: string[] = [];
    // The bbox in fractional tile coordinates, computed once per zoom.
    const span: ([number, number, number, number] | undefined)[] = [];
    for (const [key, e] of this.entries) {
      if (!e.layers.includes(layer)) continue;
      const [x0, y0, x1, y1] = (span[e.z] ??= [...lonLatToTile(bbox[0], bbox[3], e.z), ...lonLatToTile(bbox[2], bbox[1], e.z)]);
      if (x1 >= e.x - BUFFER && x0 <= e.x + 1 + BUFFER && y1 >= e.y - BUFFER && y0 <= e.y + 1 + BUFFER) {
        this.entries.delete(key);
        this.bytes -= e.bytes;
        removed.push(key);
      }
    }
    this.stats.purged += removed.length;
    return removed;
  }

  /** Keys currently cached (for tests and diagnostics). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes stored, counting every encoding of every tile. */
  get sizeBytes(): number {
    return this.bytes;
  }
}
