/**
 * In-memory LRU cache of encoded single-layer tiles with exact purge.
 *
 * Keys are `audience/layer/z/x/y`, where the audience separates what the public may see from what
 * signed-in staff may see, so a draft can never be served from the cache to an anonymous caller.
 * `purge(layer, bbox)` removes exactly the cached tiles of that layer, at every zoom, whose
 * envelope (with the tile buffer) touches the bbox, and nothing else.
 */
import { lonLatToTile } from './tile-math.ts';

/** Who a tile was rendered for. */
export type Audience = 'public' | 'staff';

/** A cached tile. */
export interface CachedTile {
  body: Uint8Array;
  etag: string;
}

interface Entry extends CachedTile {
  layer: string;
  z: number;
  x: number;
  y: number;
}

/** Tile buffer as a fraction of a tile (64 of 4096 units), as in the tile queries. */
const BUFFER = 64 / 4096;

/** Bounded tile cache. */
export class TileCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Counters for observability and tests. */
  readonly stats = { hits: 0, misses: 0, purged: 0 };

  constructor(private readonly maxBytes: number) {}

  private static key(audience: Audience, layer: string, z: number, x: number, y: number) {
    return `${audience}/${layer}/${z}/${x}/${y}`;
  }

  get(audience: Audience, layer: string, z: number, x: number, y: number): CachedTile | undefined {
    const k = TileCache.key(audience, layer, z, x, y);
    const e = this.entries.get(k);
    if (!e) {
      this.stats.misses++;
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.entries.delete(k);
    this.entries.set(k, e);
    this.stats.hits++;
    return e;
  }

  has(audience: Audience, layer: string, z: number, x: number, y: number): boolean {
    return this.entries.has(TileCache.key(audience, layer, z, x, y));
  }

  set(audience: Audience, layer: string, z: number, x: number, y: number, tile: CachedTile): void {
    const k = TileCache.key(audience, layer, z, x, y);
    const old = this.entries.get(k);
    if (old) {
      this.bytes -= old.body.byteLength;
      this.entries.delete(k);
    }
    if (tile.body.byteLength > this.maxBytes) return;
    this.entries.set(k, { ...tile, layer, z, x, y });
    this.bytes += tile.body.byteLength;
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.body.byteLength;
    }
  }

  /**
   * Remove every cached tile of `layer` (all audiences, all zooms) whose buffered envelope touches
   * `bbox` [west, south, east, north]. Returns the removed keys.
   */
  purge(layer: string, bbox: [number, number, number, number]): string[] {
    const removed: string[] = [];
    for (const [key, e] of this.entries) {
      if (e.layer !== layer) continue;
      const [x0, y0] = lonLatToTile(bbox[0], bbox[3], e.z);
      const [x1, y1] = lonLatToTile(bbox[2], bbox[1], e.z);
      if (x1 >= e.x - BUFFER && x0 <= e.x + 1 + BUFFER && y1 >= e.y - BUFFER && y0 <= e.y + 1 + BUFFER) {
        this.entries.delete(key);
        this.bytes -= e.body.byteLength;
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

  get sizeBytes(): number {
    return this.bytes;
  }
}
