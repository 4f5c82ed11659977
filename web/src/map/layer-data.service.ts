/**
 * Loads layer features from the API. For now every layer is loaded whole (following `next`
 * links) into a MapLibre GeoJSON source; switching to vector tiles later changes this module
 * and the source definition, not the view.
 */
import type { FeatureCollection } from 'geojson';
import { requestJson } from '../shared/http.client.ts';
import type { ApiFeature, FeaturePage } from '../shared/api.types.ts';
import { FID_PROPERTY } from './layer-style.builder.ts';

/** Features per request (the API allows up to 10000). */
const PAGE_SIZE = 5000;
/** Safety stop against a server that keeps sending `next` links. */
const MAX_PAGES = 200;

/** A layer's features, ready for a GeoJSON source. */
export interface LayerData {
  type: 'FeatureCollection';
  features: ApiFeature[];
}

/**
 * Every feature of layer `layerId` the current user may see. Each feature's id is also copied to
 * `properties._fid`, because MapLibre drops non-numeric feature ids (counties use adcodes).
 */
export async function loadLayerData(layerId: string, signal: AbortSignal): Promise<LayerData> {
  const features: ApiFeature[] = [];
  let url: string | null = `/api/layers/${encodeURIComponent(layerId)}/features?limit=${PAGE_SIZE}`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const body: FeaturePage = await requestJson<FeaturePage>(url, { signal });
    for (const f of body.features) {
      f.properties = { ...(f.properties ?? {}), [FID_PROPERTY]: f.id };
      features.push(f);
    }
    const next = body.links?.find((l) => l.rel === 'next')?.href;
    // An empty page with a next link would loop forever.
    url = next && body.features.length > 0 ? new URL(next, location.href).toString() : null;
  }
  return { type: 'FeatureCollection', features };
}

/** A MapLibre source definition for a layer (an empty GeoJSON source, filled by `setData`). */
export function emptyLayerSource(): { type: 'geojson'; data: FeatureCollection } {
  return { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
}
