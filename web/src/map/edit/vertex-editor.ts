/**
 * A small vertex editor on a GeoJSON source (MapLibre has no draw plugin here): reshape a polygon
 * or multipolygon by dragging corners, drag a mid-edge handle to insert a corner, double-click a
 * corner to remove it; move a point; draw a new polygon (click corners, close on the first one or
 * with `finishDraw`) or place a new point. Works with mouse and touch.
 */
import type { GeoJSONSource, MapLayerMouseEvent, MapLayerTouchEvent, Map as MapLibreMap } from 'maplibre-gl';
import type { Geometry, Position } from 'geojson';

const SHAPE = 'edit-shape';
const HANDLES = 'edit-handles';
/** MapLibre layer ids of the editor, bottom to top. */
export const EDITOR_LAYER_IDS = ['edit-shape-fill', 'edit-shape-line', 'edit-handle-mid', 'edit-handle-vertex'] as const;
const COLOR = '#ff6d00';
/** Pixels within which a click on the first corner closes a drawn polygon. */
const CLOSE_PX = 10;

/** Rings without their closing position: polygons → rings → corners. */
type Rings = Position[][][];

function toRings(g: Geometry): Rings {
  const open = (ring: Position[]) => ring.slice(0, ring.length > 1 && ring[0][0] === ring.at(-1)![0] && ring[0][1] === ring.at(-1)![1] ? -1 : undefined).map((p) => [p[0], p[1]]);
  if (g.type === 'Polygon') return [g.coordinates.map(open)];
  if (g.type === 'MultiPolygon') return g.coordinates.map((poly) => poly.map(open));
  if (g.type === 'Point') return [[[[g.coordinates[0], g.coordinates[1]]]]];
  throw new Error(`cannot edit a ${g.type}`);
}

/** Reshapes and draws geometries for the edit form. */
export class VertexEditor {
  private rings: Rings | null = null;
  private kind: 'polygon' | 'point' = 'polygon';
  private drawing = false;
  private drag: { p: number; r: number; i: number } | null = null;
  private onDrawn: ((g: Geometry) => void) | null = null;

  constructor(private readonly map: MapLibreMap, private readonly onChange: (g: Geometry) => void) {}

  /** Handle listeners, registered once the editor's layers exist (MapLibre reports queries of missing layers). */
  private listen(): void {
    const map = this.map;
    const down = (e: MapLayerMouseEvent | MapLayerTouchEvent, mid: boolean) => {
      if (this.drawing || !this.rings || !e.features?.length) return;
      e.preventDefault();
      const { p, r, i } = e.features[0].properties as { p: number; r: number; i: number };
      if (mid) {
        this.rings[p][r].splice(i + 1, 0, [e.lngLat.lng, e.lngLat.lat]);
        this.drag = { p, r, i: i + 1 };
      } else {
        this.drag = { p, r, i };
      }
      this.map.getCanvas().style.cursor = 'grabbing';
    };
    const move = (e: { lngLat: { lng: number; lat: number } }) => {
      if (!this.drag || !this.rings) return;
      this.rings[this.drag.p][this.drag.r][this.drag.i] = [e.lngLat.lng, e.lngLat.lat];
      this.render();
    };
    const up = () => {
      if (!this.drag) return;
      this.drag = null;
      this.map.getCanvas().style.cursor = '';
      this.render();
      this.onChange(this.geometry()!);
    };
    map.on('mousedown', 'edit-handle-vertex', (e) => down(e, false));
    map.on('mousedown', 'edit-handle-mid', (e) => down(e, true));
    map.on('touchstart', 'edit-handle-vertex', (e) => down(e, false));
    map.on('touchstart', 'edit-handle-mid', (e) => down(e, true));
    map.on('mousemove', move);
    map.on('touchmove', move);
    map.on('mouseup', up);
    map.on('touchend', up);
    map.on('dblclick', 'edit-handle-vertex', (e) => {
      if (!this.rings || this.kind !== 'polygon' || !e.features?.length) return;
      e.preventDefault();
      const { p, r, i } = e.features[0].properties as { p: number; r: number; i: number };
      if (this.rings[p][r].length <= 3) return;
      this.rings[p][r].splice(i, 1);
      this.render();
      this.onChange(this.geometry()!);
    });
    map.on('mouseenter', 'edit-handle-vertex', () => (map.getCanvas().style.cursor = 'grab'));
    map.on('mouseleave', 'edit-handle-vertex', () => (map.getCanvas().style.cursor = ''));
  }

  /** Whether the editor shows a shape (reshaping or drawing). */
  get active(): boolean {
    return this.rings !== null;
  }

  /** Whether map clicks belong to the editor (drawing a new feature). */
  get isDrawing(): boolean {
    return this.drawing;
  }

  /** Edit `g` in place. */
  reshape(g: Geometry): void {
    this.kind = g.type === 'Point' ? 'point' : 'polygon';
    this.rings = toRings(g);
    this.drawing = false;
    this.ensureLayers();
    this.render();
  }

  /** Draw a new polygon or place a point; `onDrawn` receives it when closed. */
  draw(kind: 'polygon' | 'point', onDrawn: (g: Geometry) => void): void {
    this.kind = kind;
    this.rings = [[[]]];
    this.drawing = true;
    this.onDrawn = onDrawn;
    this.ensureLayers();
    this.render();
    this.map.getCanvas().style.cursor = 'crosshair';
  }

  /** A map click while drawing: add a corner, or close on the first one. */
  click(lng: number, lat: number, x: number, y: number): void {
    if (!this.drawing || !this.rings) return;
    const ring = this.rings[0][0];
    if (this.kind === 'point') {
      this.rings = [[[[lng, lat]]]];
      this.endDraw();
      return;
    }
    if (ring.length >= 3) {
      const first = this.map.project(ring[0] as [number, number]);
      if (Math.hypot(first.x - x, first.y - y) <= CLOSE_PX) {
        this.endDraw();
        return;
      }
    }
    ring.push([lng, lat]);
    this.render();
  }

  /** Close the polygon being drawn (needs 3 corners). */
  finishDraw(): void {
    if (this.drawing && this.rings && (this.kind === 'point' || this.rings[0][0].length >= 3)) this.endDraw();
  }

  private endDraw(): void {
    this.drawing = false;
    this.map.getCanvas().style.cursor = '';
    this.render();
    const g = this.geometry()!;
    this.onDrawn?.(g);
    this.onChange(g);
  }

  /** Remove the shape and handles. */
  stop(): void {
    this.rings = null;
    this.drawing = false;
    this.drag = null;
    this.map.getCanvas().style.cursor = '';
    if (this.map.getSource(SHAPE)) this.render();
  }

  /** The edited geometry (Polygon, MultiPolygon with several parts, or Point), or null. */
  geometry(): Geometry | null {
    if (!this.rings) return null;
    if (this.kind === 'point') return { type: 'Point', coordinates: this.rings[0][0][0] };
    const close = (ring: Position[]) => [...ring, ring[0]];
    const polys = this.rings.map((poly) => poly.map(close));
    return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
  }

  /** Screen positions of the corners (test hook). */
  cornerPixels(): { x: number; y: number }[] {
    if (!this.rings) return [];
    return this.rings.flat(2).map((p) => this.map.project(p as [number, number]));
  }

  private ensureLayers(): void {
    if (this.map.getSource(SHAPE)) {
      // Keep the editor above layers added since.
      for (const id of EDITOR_LAYER_IDS) if (this.map.getLayer(id)) this.map.moveLayer(id);
      return;
    }
    const empty = { type: 'FeatureCollection' as const, features: [] };
    this.map.addSource(SHAPE, { type: 'geojson', data: empty });
    this.map.addSource(HANDLES, { type: 'geojson', data: empty });
    this.map.addLayer({ id: 'edit-shape-fill', type: 'fill', source: SHAPE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': COLOR, 'fill-opacity': 0.18 } });
    this.map.addLayer({ id: 'edit-shape-line', type: 'line', source: SHAPE, paint: { 'line-color': COLOR, 'line-width': 2.5, 'line-dasharray': [2, 1] } });
    this.map.addLayer({
      id: 'edit-handle-mid', type: 'circle', source: HANDLES, filter: ['==', ['get', 'kind'], 'mid'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': COLOR, 'circle-stroke-width': 2 },
    });
    this.map.addLayer({
      id: 'edit-handle-vertex', type: 'circle', source: HANDLES, filter: ['==', ['get', 'kind'], 'vertex'],
      paint: { 'circle-radius': 7, 'circle-color': COLOR, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
    this.listen();
  }

  private render(): void {
    const shape: GeoJSON.Feature[] = [];
    const handles: GeoJSON.Feature[] = [];
    if (this.rings) {
      this.rings.forEach((poly, p) => poly.forEach((ring, r) => {
        ring.forEach((pos, i) => {
          handles.push({ type: 'Feature', properties: { kind: 'vertex', p, r, i }, geometry: { type: 'Point', coordinates: pos } });
          const next = ring[(i + 1) % ring.length];
          const closing = i === ring.length - 1;
          if (this.kind === 'polygon' && ring.length >= 3 && !(this.drawing && closing)) {
            handles.push({ type: 'Feature', properties: { kind: 'mid', p, r, i }, geometry: { type: 'Point', coordinates: [(pos[0] + next[0]) / 2, (pos[1] + next[1]) / 2] } });
          }
        });
        if (this.kind === 'polygon' && ring.length >= 2) {
          const closed = this.drawing ? ring : [...ring, ring[0]];
          shape.push({ type: 'Feature', properties: {}, geometry: this.drawing || ring.length < 3 ? { type: 'LineString', coordinates: closed } : { type: 'Polygon', coordinates: [closed] } });
        }
      }));
    }
    (this.map.getSource(SHAPE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: shape });
    (this.map.getSource(HANDLES) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: handles });
  }
}
