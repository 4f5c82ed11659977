/**
 * Typed calls to the server's `/api` and `/tiles` JSON endpoints (map data itself comes as vector
 * tiles; `map/layer-data.service.ts` builds their URLs and loads the few label features).
 */
import { requestJson } from './http.client.ts';
import type { ApiFeature, AppConfig, FeatureId, LayerInfo, SessionUser, SummaryResponse, TileJson } from './api.types.ts';

/** `GET /api/config`: basemap and start bounds. */
export function fetchConfig(signal: AbortSignal): Promise<AppConfig> {
  return requestJson<AppConfig>('/api/config', { signal });
}

/** `GET /api/layers`: every layer's definition (titles, attributes, style), in legend order. */
export async function fetchLayers(signal: AbortSignal): Promise<LayerInfo[]> {
  return (await requestJson<{ layers: LayerInfo[] }>('/api/layers', { signal })).layers;
}

/** `GET /api/layers/{layerId}/features/{id}`: one feature with all its attributes. */
export function fetchFeature(layerId: string, id: FeatureId, signal: AbortSignal): Promise<ApiFeature> {
  return requestJson<ApiFeature>(
    `/api/layers/${encodeURIComponent(layerId)}/features/${encodeURIComponent(String(id))}`,
    { signal },
  );
}

/** `GET /tiles/{layerId}.json`: TileJSON of one layer, whose tile URL carries the layer's data version. */
export function fetchTileJson(layerId: string, signal: AbortSignal): Promise<TileJson> {
  return requestJson<TileJson>(`/tiles/${encodeURIComponent(layerId)}.json`, { signal });
}

/** `GET /api/stats/summary`: carrier counts per county, layer and status. */
export function fetchSummary(signal: AbortSignal): Promise<SummaryResponse> {
  return requestJson<SummaryResponse>('/api/stats/summary', { signal });
}

/** `GET /api/auth/me`: the signed-in user, or null. */
export async function fetchMe(signal: AbortSignal): Promise<SessionUser | null> {
  return (await requestJson<{ user: SessionUser | null }>('/api/auth/me', { signal })).user;
}

/** `POST /api/auth/login`. Throws `HttpError` with status 401 for wrong credentials. */
export async function login(username: string, password: string, signal: AbortSignal): Promise<SessionUser> {
  const res = await requestJson<{ user: SessionUser }>('/api/auth/login', {
    signal, method: 'POST', body: { username, password },
  });
  return res.user;
}

/** `POST /api/auth/logout`. */
export async function logout(signal: AbortSignal): Promise<void> {
  await requestJson<void>('/api/auth/logout', { signal, method: 'POST' });
}
