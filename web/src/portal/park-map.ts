/**
 * The map on a park card, loaded on demand and made by the shared base map
 * (web/src/shared/base-map.ts): the park's outline and its available sites coloured by kind, on a
 * plain background (no basemap), over the published orthophotos that meet the park (loaded after
 * the map shows; a failure leaves the plain background). Clicking a site reports its id; the
 * card highlights the site hovered in the list.
 */
import type maplibregl from 'maplibre-gl';
type MapLibreMap = maplibregl.Map;
import 'maplibre-gl/dist/maplibre-gl.css';
import { createBaseMap, whenLoaded } from '../shared/base-map.ts';
import { ImageryLayers } from '../shared/imagery.layer.ts';

const KIND_COLORS = ['match', ['get', 'kind'], 'land', '#2e7d32', 'factory', '#1565c0', 'office', '#6a1b9a', '#555'];

/** A shown park map. */
export interface ParkMap {
  highlight(id: number | null): void;
  map: MapLibreMap;
}

/** Replace the static cover inside `box` with an interactive map of the park. */
export async function showParkMap(
  box: HTMLElement,
  data: { bbox: [number, number, number, number]; outline: GeoJSON.Geometry; carriers: { id: number; kind: string; name: string; geometry: GeoJSON.Geometry }[] },
  onSelect: (id: number) => void,
): Promise<ParkMap> {
  const container = document.createElement('div');
  container.className = 'pc-map-live';
  container.style.cssText = 'position:absolute;inset:0';
  box.append(container);
  const carriers: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: data.carriers.map((c) => ({ type: 'Feature', id: c.id, properties: { id: c.id, kind: c.kind, name: c.name }, geometry: c.geometry })),
  };
  // The shared base map, without controls: the card's map is a picture you can pan and click.
  const map = createBaseMap({
    container,
    bounds: data.bbox,
    attribution: false,
    navigation: false,
    scale: false,
    background: '#f3f6f9',
    sources: {
      park: { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: data.outline } },
      carriers: { type: 'geojson', data: carriers },
    },
    layers: [
      { id: 'park-fill', type: 'fill', source: 'park', paint: { 'fill-color': '#ff7043', 'fill-opacity': 0.1 } },
      { id: 'park-line', type: 'line', source: 'park', paint: { 'line-color': '#e64a19', 'line-width': 2.5 } },
      { id: 'carriers-fill', type: 'fill', source: 'carriers', paint: { 'fill-color': KIND_COLORS as never, 'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.95, 0.7] } },
      { id: 'carriers-line', type: 'line', source: 'carriers', paint: { 'line-color': ['case', ['boolean', ['feature-state', 'hover'], false], '#e8590c', '#ffffff'], 'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 3, 1] } },
    ],
  });
  await Promise.race([
    whenLoaded(map),
    new Promise<never>((_, reject) => map.once('error', (e) => reject(e.error ?? new Error('map error')))),
  ]);
  box.querySelector<HTMLElement>('.pc-map-static')?.setAttribute('hidden', '');
  new ImageryLayers().load(map, { within: data.bbox }).catch(() => {});
  let current: number | null = null;
  const highlight = (id: number | null) => {
    if (current !== null) map.setFeatureState({ source: 'carriers', id: current }, { hover: false });
    current = id;
    if (id !== null) map.setFeatureState({ source: 'carriers', id }, { hover: true });
  };
  map.on('click', 'carriers-fill', (e) => {
    const id = Number(e.features?.[0]?.properties?.id);
    if (Number.isFinite(id)) {
      highlight(id);
      onSelect(id);
    }
  });
  map.on('mouseenter', 'carriers-fill', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'carriers-fill', () => { map.getCanvas().style.cursor = ''; });
  return { highlight, map };
}
