/**
 * Draw a simple polygon on the map by clicks: each click adds a corner; `finish` closes the ring
 * and returns it as a GeoJSON Polygon (EPSG:4326) for the brief's `within`.
 */
import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { Polygon } from 'geojson';

const SOURCE = 'select-draw';

/** The polygon-drawing tool bound to one map. */
export class DrawAreaTool {
  private corners: [number, number][] = [];
  private active = false;
  private readonly onClick = (e: MapMouseEvent) => {
    this.corners.push([e.lngLat.lng, e.lngLat.lat]);
    this.render();
  };

  constructor(private readonly map: MapLibreMap) {
    map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: `${SOURCE}-fill`, type: 'fill', source: SOURCE, paint: { 'fill-color': '#ff6f00', 'fill-opacity': 0.12 } });
    map.addLayer({ id: `${SOURCE}-line`, type: 'line', source: SOURCE, paint: { 'line-color': '#ff6f00', 'line-width': 2, 'line-dasharray': [2, 1] } });
  }

  /** Whether clicks currently add corners. */
  get drawing(): boolean {
    return this.active;
  }

  /** Start a new polygon (clears the previous one). */
  start(): void {
    this.corners = [];
    this.active = true;
    this.map.getCanvas().style.cursor = 'crosshair';
    this.map.on('click', this.onClick);
    this.render();
  }

  /** Stop drawing; returns the polygon, or null with fewer than 3 corners. */
  finish(): Polygon | null {
    this.active = false;
    this.map.getCanvas().style.cursor = '';
    this.map.off('click', this.onClick);
    if (this.corners.length < 3) {
      this.clear();
      return null;
    }
    return this.polygon();
  }

  /** Remove the polygon. */
  clear(): void {
    this.corners = [];
    this.render();
  }

  private polygon(): Polygon {
    return { type: 'Polygon', coordinates: [[...this.corners, this.corners[0]]] };
  }

  private render(): void {
    const src = this.map.getSource(SOURCE) as GeoJSONSource | undefined;
    if (!src) return;
    const features = this.corners.length >= 3
      ? [{ type: 'Feature' as const, properties: {}, geometry: this.polygon() }]
      : this.corners.length === 2
        ? [{ type: 'Feature' as const, properties: {}, geometry: { type: 'LineString' as const, coordinates: this.corners } }]
        : [];
    src.setData({ type: 'FeatureCollection', features });
  }
}
