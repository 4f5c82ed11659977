/**
 * Where the map's data comes from.
 *
 *  - Every layer is drawn from vector tiles, `GET /tiles/{layerId}/{z}/{x}/{y}.mvt` (source layer =
 *    layer id, feature id = API feature id). Each layer gets its own MapLibre `vector` source
 *    rather than one combined source, because
 *      · versions are per layer: when a land parcel changes, only the land tiles are refetched;
 *      · zoom ranges are per layer: no carrier request is made below the carriers' minzoom, and
 *        the small county/park tiles are not re-cut with the carriers;
 *      · MapLibre loads no tiles for a source whose layers are all hidden, so unticking a layer
 *        in the legend stops its requests.
 *    The cost is one request per layer per tile instead of one; tiles are small and cached by the
 *    server, and empty ones are a bodiless 204.
 *  - The URL template comes from the layer's TileJSON (`GET /tiles/{layerId}.json`), whose
 *    `?v=<version>` changes whenever a feature of the layer changes: `TileUrlRegistry.refresh`
 *    re-reads it and reports which layers changed, so the view can `setTiles` them.
 *  - Labels (counties, parks: a handful of features) need positions and names in one piece, which
 *    tiles cut apart; `loadLabelFeatures` fetches those small layers once as GeoJSON.
 */
import { fetchTileJson } from '../shared/api.service.ts';
import { requestJson } from '../shared/http.client.ts';
import type { ApiFeature, FeaturePage, LayerInfo, TileJson } from '../shared/api.types.ts';

/**
 * Highest zoom tiles are requested at; MapLibre and deck.gl over-zoom beyond it. The server
 * simplifies to half a tile unit, which at z16 is ~0.3 m: finer tiles would add requests, not detail.
 */
export const TILE_MAXZOOM = 16;
/** Most label features fetched per layer (counties: 7, parks: ~9). */
const LABEL_FEATURE_LIMIT = 500;
/** Features per page when loading label features. */
const PAGE_SIZE = 200;

/** A layer's label features (small GeoJSON, not tiles). */
export interface LayerData {
  type: 'FeatureCollection';
  features: ApiFeature[];
}

/** The tile URL template of `/tiles/{layerId}/…` on this origin, without a version. */
function unversionedTemplate(layerId: string): string {
  return `${location.origin}/tiles/${encodeURIComponent(layerId)}/{z}/{x}/{y}.mvt`;
}

/**
 * The first TileJSON tile URL, re-rooted on `location.origin` (the server names the host it was
 * asked on, which behind a proxy may differ from what the browser sees). String surgery, not
 * `new URL`, which would percent-encode the `{z}` placeholders.
 */
function templateFromTileJson(tileJson: TileJson, layerId: string): string {
  const url = tileJson.tiles?.[0];
  if (!url) return unversionedTemplate(layerId);
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '');
  return location.origin + (path.startsWith('/') ? path : `/${path}`);
}

/**
 * Current tile URL template per layer. A template changes when the layer's TileJSON version
 * changes, and for every layer when the user signs in or out: tile contents depend on the session
 * (staff see drafts), so a `auth=1` marker keeps signed-in tiles apart from public ones in the
 * browser's and MapLibre's caches. The marker decides nothing: the server reads the cookie.
 */
export class TileUrlRegistry {
  private readonly base = new Map<string, string>();
  private signedIn = false;

  /** The template MapLibre and deck.gl should use for `layerId`. */
  template(layerId: string): string {
    const base = this.base.get(layerId) ?? unversionedTemplate(layerId);
    if (!this.signedIn) return base;
    return base + (base.includes('?') ? '&' : '?') + 'auth=1';
  }

  /** Record whether a user is signed in; returns whether that changed every template. */
  setSignedIn(signedIn: boolean): boolean {
    const changed = signedIn !== this.signedIn;
    this.signedIn = signedIn;
    return changed;
  }

  /**
   * Re-read the TileJSON of `layerIds` and return the ids whose template changed. A layer whose
   * TileJSON fails keeps its template (the failures are returned for reporting).
   */
  async refresh(layerIds: string[], signal: AbortSignal): Promise<{ changed: string[]; errors: unknown[] }> {
    const changed: string[] = [];
    const errors: unknown[] = [];
    await Promise.all(layerIds.map(async (id) => {
      try {
        const next = templateFromTileJson(await fetchTileJson(id, signal), id);
        if (signal.aborted) return;
        if (this.base.get(id) !== next) {
          const known = this.base.has(id);
          this.base.set(id, next);
          if (known) changed.push(id);
        }
      } catch (err) {
        errors.push(err);
      }
    }));
    return { changed, errors };
  }
}

/** A MapLibre `vector` source for `layer` with tile URL template `template`. */
export function vectorSource(layer: LayerInfo, template: string): { type: 'vector'; tiles: string[]; minzoom: number; maxzoom: number } {
  return {
    type: 'vector',
    tiles: [template],
    minzoom: Math.max(0, Math.floor(layer.minzoom)),
    maxzoom: Math.min(layer.maxzoom, TILE_MAXZOOM),
  };
}

/** Layers whose features are also fetched as GeoJSON: those with labels (counties, parks). */
export function isLabelLayer(layer: LayerInfo): boolean {
  return !!layer.style.labelField;
}

/** The features of a small layer, for labels, county outlines to fly to and park names. */
export async function loadLabelFeatures(layerId: string, signal: AbortSignal): Promise<LayerData> {
  const features: ApiFeature[] = [];
  let url: string | null = `/api/layers/${encodeURIComponent(layerId)}/features?limit=${PAGE_SIZE}`;
  while (url && features.length < LABEL_FEATURE_LIMIT) {
    const body: FeaturePage = await requestJson<FeaturePage>(url, { signal });
    features.push(...body.features);
    const next = body.links?.find((l) => l.rel === 'next')?.href;
    // An empty page with a next link would loop forever.
    url = next && body.features.length > 0 ? new URL(next, location.href).toString() : null;
  }
  return { type: 'FeatureCollection', features };
}
