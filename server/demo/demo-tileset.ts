/**
 * Builds a 3D Tiles 1.0 tileset from building footprints (the demo park's factories and offices),
 * entirely with our own code: footprints extruded to prisms (walls + tessellated roofs), one
 * material per status, written as GLB (`glb-writer.ts`) inside b3dm tiles with a batch table
 * (code, name, kind, status, height) and a per-vertex `_BATCHID`.
 *
 * Two levels: the root tile holds every building as a simple box (its footprint's bounding
 * rectangle, geometricError 25 m, refine REPLACE); four quadrant children hold the true footprints
 * (geometricError 0). `root.transform` is the east-north-up frame at the buildings' centre, so tile
 * coordinates are local metres (x east, y north, z up) and glTF positions are (east, up, -north).
 */
import { tesselate, polygon as turfPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { eastNorthUpToFixedFrame, geodeticToEcef } from '../../survey-import/three-d/enu.ts';
import { writeB3dm, writeGlb, type GlbMaterial, type GlbPrimitive } from '../../survey-import/three-d/glb-writer.ts';

/** A building to extrude. */
export interface DemoBuilding {
  code: string;
  name: string;
  kind: string;
  status: 'available' | 'reserved' | 'occupied';
  heightM: number;
  geometry: Polygon | MultiPolygon;
}

/** Colours per status (the map legend's, lightened for shading). */
const STATUS_COLORS: Record<DemoBuilding['status'], [number, number, number, number]> = {
  available: [0.18, 0.49, 0.2, 1],
  reserved: [0.98, 0.66, 0.15, 1],
  occupied: [0.56, 0.6, 0.65, 1],
};
const STATUSES = Object.keys(STATUS_COLORS) as DemoBuilding['status'][];
const MATERIALS: GlbMaterial[] = STATUSES.map((s) => ({ name: s, color: STATUS_COLORS[s] }));

/** Local ENU metres of lon/lat around an origin (exact, through ECEF). */
function enuConverter(lon0: number, lat0: number): (p: Position) => [number, number] {
  const m = eastNorthUpToFixedFrame(lon0, lat0, 0);
  return (p) => {
    const e = geodeticToEcef(p[0], p[1], 0);
    const d = [e[0] - m[12], e[1] - m[13], e[2] - m[14]];
    return [d[0] * m[0] + d[1] * m[1] + d[2] * m[2], d[0] * m[4] + d[1] * m[5] + d[2] * m[6]];
  };
}

class MeshBuilder {
  readonly pos: number[] = [];
  readonly nrm: number[] = [];
  readonly idx: number[] = [];
  readonly batch: number[] = [];
  /** Adds a vertex given in tile space (east, north, up); stored as glTF (east, up, -north). */
  vertex(e: number, n: number, u: number, ne: number, nn: number, nu: number, batchId: number): number {
    this.pos.push(e, u, -n);
    this.nrm.push(ne, nu, -nn);
    this.batch.push(batchId);
    return this.batch.length - 1;
  }
  primitive(material: number): GlbPrimitive {
    return { positions: Float32Array.from(this.pos), normals: Float32Array.from(this.nrm), indices: Uint32Array.from(this.idx), material, batchIds: Float32Array.from(this.batch) };
  }
}

/** Walls and roof of one footprint ring set (first ring outer, others holes), in local metres. */
function extrude(b: MeshBuilder, rings: [number, number][][], height: number, batchId: number): void {
  for (const ring of rings) {
    // Signed area decides the outward side of each wall.
    let area = 0;
    for (let i = 0; i < ring.length - 1; i++) area += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    const ccw = area > 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const len = Math.hypot(x1 - x0, y1 - y0);
      if (len < 1e-6) continue;
      let nx = (y1 - y0) / len, ny = -(x1 - x0) / len;
      if (!ccw) [nx, ny] = [-nx, -ny];
      const a = b.vertex(x0, y0, 0, nx, ny, 0, batchId);
      const c = b.vertex(x1, y1, 0, nx, ny, 0, batchId);
      const d = b.vertex(x1, y1, height, nx, ny, 0, batchId);
      const e = b.vertex(x0, y0, height, nx, ny, 0, batchId);
      // Front faces wind counter-clockwise seen from outside.
      if (ccw) b.idx.push(a, c, d, a, d, e);
      else b.idx.push(a, d, c, a, e, d);
    }
  }
  const tris = tesselate(turfPolygon(rings.map((r) => r.map(([x, y]) => [x, y]))));
  for (const t of tris.features) {
    const ring = t.geometry.coordinates[0];
    const [p0, p1, p2] = ring;
    const cross = (p1[0] - p0[0]) * (p2[1] - p0[1]) - (p1[1] - p0[1]) * (p2[0] - p0[0]);
    const order = cross >= 0 ? [p0, p1, p2] : [p0, p2, p1];
    for (const p of order) b.idx.push(b.vertex(p[0], p[1], height, 0, 0, 1, batchId));
  }
}

function ringsOf(g: Polygon | MultiPolygon): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** One b3dm of `buildings`, each extruded from `shape(building)`. */
function tile(buildings: DemoBuilding[], shape: (b: DemoBuilding) => [number, number][][][]): Uint8Array {
  const builders = STATUSES.map(() => new MeshBuilder());
  buildings.forEach((bld, i) => {
    const builder = builders[STATUSES.indexOf(bld.status)];
    for (const rings of shape(bld)) extrude(builder, rings, bld.heightM, i);
  });
  const glb = writeGlb({
    meshes: [{ name: 'buildings', primitives: builders.map((b, m) => b.primitive(m)) }],
    materials: MATERIALS,
    generator: 'dazhou-carrier-gis demo-tileset',
  });
  return writeB3dm(glb, buildings.length, {
    code: buildings.map((b) => b.code), name: buildings.map((b) => b.name), kind: buildings.map((b) => b.kind),
    status: buildings.map((b) => b.status), height_m: buildings.map((b) => b.heightM),
  });
}

/**
 * The files of the tileset (`tileset.json`, `root.b3dm`, `q0..q3.b3dm`), and the centre it is
 * placed at. Throws when there are no buildings.
 */
export function buildDemoTileset(buildings: DemoBuilding[]): { files: Map<string, Uint8Array>; center: [number, number] } {
  if (buildings.length === 0) throw new Error('no buildings to build a tileset from');
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const b of buildings) for (const poly of ringsOf(b.geometry)) for (const p of poly[0]) {
    minLon = Math.min(minLon, p[0]); maxLon = Math.max(maxLon, p[0]);
    minLat = Math.min(minLat, p[1]); maxLat = Math.max(maxLat, p[1]);
  }
  const lon0 = (minLon + maxLon) / 2, lat0 = (minLat + maxLat) / 2;
  const toEnu = enuConverter(lon0, lat0);
  const local = new Map(buildings.map((b) => [b, ringsOf(b.geometry).map((poly) => poly.map((ring) => ring.map(toEnu)))]));
  const maxH = Math.max(...buildings.map((b) => b.heightM));
  const bbox = (list: DemoBuilding[]) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const b of list) for (const poly of local.get(b)!) for (const [x, y] of poly[0]) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    return { x0, y0, x1, y1 };
  };
  const box = (bb: { x0: number; y0: number; x1: number; y1: number }, h: number) => [
    (bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2, h / 2,
    Math.max((bb.x1 - bb.x0) / 2, 0.5), 0, 0, 0, Math.max((bb.y1 - bb.y0) / 2, 0.5), 0, 0, 0, Math.max(h / 2, 0.5),
  ];
  // Coarse level: each building as its bounding rectangle.
  const rect = (b: DemoBuilding): [number, number][][][] => {
    const { x0, y0, x1, y1 } = bbox([b]);
    return [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]];
  };
  const files = new Map<string, Uint8Array>();
  files.set('root.b3dm', tile(buildings, rect));
  const all = bbox(buildings);
  const cx = (all.x0 + all.x1) / 2, cy = (all.y0 + all.y1) / 2;
  const children: Record<string, unknown>[] = [];
  for (let q = 0; q < 4; q++) {
    const inQ = buildings.filter((b) => {
      const bb = bbox([b]);
      const mx = (bb.x0 + bb.x1) / 2, my = (bb.y0 + bb.y1) / 2;
      return (mx >= cx ? 1 : 0) + (my >= cy ? 2 : 0) === q;
    });
    if (inQ.length === 0) continue;
    files.set(`q${q}.b3dm`, tile(inQ, (b) => local.get(b)!));
    children.push({ boundingVolume: { box: box(bbox(inQ), Math.max(...inQ.map((b) => b.heightM))) }, geometricError: 0, content: { uri: `q${q}.b3dm` } });
  }
  const tileset = {
    asset: { version: '1.0', generator: 'dazhou-carrier-gis demo-tileset' },
    properties: { height_m: { minimum: Math.min(...buildings.map((b) => b.heightM)), maximum: maxH } },
    geometricError: 200,
    root: {
      transform: eastNorthUpToFixedFrame(lon0, lat0, 0),
      boundingVolume: { box: box(all, maxH) },
      geometricError: 25,
      refine: 'REPLACE',
      content: { uri: 'root.b3dm' },
      children,
    },
  };
  files.set('tileset.json', new TextEncoder().encode(JSON.stringify(tileset, null, 1)));
  return { files, center: [lon0, lat0] };
}
