/**
 * A small vertex editor on a GeoJSON source (MapLibre has no draw plugin here): reshape a polygon
 * or multipolygon by dragging corners, drag a mid-edge handle to insert a corner, double-click a
 * corner to remove it; move a point; draw a new polygon (click corners, close on the first one or
 * with `finishDraw`) or place a new point. Works with mouse and touch. A dragged or drawn corner
 * snaps to the nearest corner of a neighbouring feature drawn on the map within `SNAP_PX` (hold
 * Alt to place it freely), so adjoining parcels share their boundary.
 */
import type { GeoJSONSource, MapLayerMouseEvent, MapLayerTouchEvent, Map as MapLibreMap, MapGeoJSONFeature } from 'maplibre-gl';
import type { Geometry, Position } from 'geojson';

const SHAPE = 'edit-shape';
const HANDLES = 'edit-handles';
/** MapLibre layer ids of the editor, bottom to top. */
export const EDITOR_LAYER_IDS = ['edit-shape-fill', 'edit-shape-line', 'edit-handle-mid', 'edit-handle-vertex'] as const;
const COLOR = '#ff6d00';
/** Pixels within which a click on the first corner closes a drawn polygon. */
const CLOSE_PX = 10;

/** Pixels within which a moved or drawn corner snaps to a neighbour's corner. */
export const SNAP_PX = 10;
/** A neighbour corner this close (px) to one of the edited feature's own corners is that corner in the tiles: not a target. */
const OWN_CORNER_PX = 1.5;
/** Map layers whose corners are no snapping targets: the editor's own, the selection outline, county boundaries. */
const NOT_SNAP_TARGETS = /^(edit-|selection-|counties-)/;

/** A corner on screen. */
export interface ScreenCorner {
  x: number;
  y: number;
  pos: Position;
}

/**
 * The corner of `candidates` nearest to screen point `at` within `tolerancePx`, skipping those
 * within `OWN_CORNER_PX` of one of `own` (the edited feature's corners as the tiles still draw
 * them); null when none is close enough.
 */
export function nearestCorner(at: { x: number; y: number }, candidates: readonly ScreenCorner[], tolerancePx: number, own: readonly { x: number; y: number }[] = []): Position | null {
  let best: ScreenCorner | null = null;
  let bestD = tolerancePx;
  for (const c of candidates) {
    const d = Math.hypot(c.x - at.x, c.y - at.y);
    if (d > bestD) continue;
    if (own.some((o) => Math.hypot(o.x - c.x, o.y - c.y) <= OWN_CORNER_PX)) continue;
    best = c;
    bestD = d;
  }
  return best ? [best.pos[0], best.pos[1]] : null;
}

/** The corners of a rendered feature's geometry (polygons and lines). */
function cornersOf(f: MapGeoJSONFeature): Position[] {
  const g = f.geometry;
  if (g.type === 'Polygon' || g.type === 'MultiLineString') return g.coordinates.flat();
  if (g.type === 'MultiPolygon') return g.coordinates.flat(2);
  if (g.type === 'LineString') return g.coordinates;
  return [];
}

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
  /** The edited feature's corners as they were when editing began (the tiles still draw them there). */
  private original: Position[] = [];

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
    const move = (e: { lngLat: { lng: number; lat: number }; point: { x: number; y: number }; originalEvent?: Event }) => {
      if (!this.drag || !this.rings) return;
      const free = (e.originalEvent as MouseEvent | undefined)?.altKey === true;
      this.rings[this.drag.p][this.drag.r][this.drag.i] = free ? [e.lngLat.lng, e.lngLat.lat] : this.snap(e.lngLat, e.point);
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
    this.original = this.rings.flat(2).map((p) => [p[0], p[1]]);
    this.drawing = false;
    this.ensureLayers();
    this.render();
  }

  /** Draw a new polygon or place a point; `onDrawn` receives it when closed. */
  draw(kind: 'polygon' | 'point', onDrawn: (g: Geometry) => void): void {
    this.kind = kind;
    this.rings = [[[]]];
    this.original = [];
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
    ring.push(this.snap({ lng, lat }, { x, y }));
    this.render();
  }

  /**
   * `lngLat` moved onto the nearest corner of a neighbouring feature drawn within `SNAP_PX` of
   * screen point `point`, or unchanged.
   */
  private snap(lngLat: { lng: number; lat: number }, point: { x: number; y: number }): Position {
    if (this.kind === 'point') return [lngLat.lng, lngLat.lat];
    const box: [[number, number], [number, number]] = [[point.x - SNAP_PX, point.y - SNAP_PX], [point.x + SNAP_PX, point.y + SNAP_PX]];
    const candidates: ScreenCorner[] = [];
    for (const f of this.map.queryRenderedFeatures(box)) {
      if (NOT_SNAP_TARGETS.test(f.layer.id)) continue;
      for (const pos of cornersOf(f)) {
        const px = this.map.project(pos as [number, number]);
        if (Math.abs(px.x - point.x) <= SNAP_PX && Math.abs(px.y - point.y) <= SNAP_PX) candidates.push({ x: px.x, y: px.y, pos });
      }
    }
    if (!candidates.length) return [lngLat.lng, lngLat.lat];
    const own = this.original.map((p) => this.map.project(p as [number, number]));
    return nearestCorner(point, candidates, SNAP_PX, own) ?? [lngLat.lng, lngLat.lat];
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
