/**
 * Mapbox Vector Tile (spec 2.1) encoder for the embedded database, whose PostGIS has no protobuf
 * (`ST_AsMVT` fails there). Input geometries are already clipped, simplified and in integer tile
 * coordinates (0..extent, y down), exactly what `ST_AsMVTGeom` would hand `ST_AsMVT`; this module
 * only orders rings, encodes commands and writes the protobuf with `pbf`. It is the only file that
 * touches `pbf`.
 */
import { PbfWriter as Pbf } from 'pbf';
import type { Geometry, Position } from 'geojson';

/** A feature ready to encode: integer tile coordinates and flat properties. */
export interface TileFeature {
  id: number | null;
  geometry: Geometry;
  properties: Record<string, unknown>;
}

/** One layer of a tile. */
export interface TileLayer {
  name: string;
  extent: number;
  features: TileFeature[];
}

const enum GeomType { Point = 1, LineString = 2, Polygon = 3 }
const enum Cmd { MoveTo = 1, LineTo = 2, ClosePath = 7 }

const zigzag = (n: number) => (n << 1) ^ (n >> 31);
const command = (id: Cmd, count: number) => (id & 0x7) | (count << 3);

/** Twice the signed area by the surveyor's formula in tile coordinates (y down). */
function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] * ring[i][1]) - (ring[i][0] * ring[j][1]);
  }
  return sum;
}

/** Drop consecutive duplicates and the closing point; rings with < 3 distinct points vanish. */
function cleanRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push([Math.round(p[0]), Math.round(p[1])]);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out.length >= 3 ? out : [];
}

/** Encoder state: the cursor carries over between parts of one feature. */
class GeometryWriter {
  readonly out: number[] = [];
  private cx = 0;
  private cy = 0;

  private moveTo(p: Position) {
    this.out.push(command(Cmd.MoveTo, 1), zigzag(p[0] - this.cx), zigzag(p[1] - this.cy));
    this.cx = p[0];
    this.cy = p[1];
  }

  private lineTo(points: Position[]) {
    this.out.push(command(Cmd.LineTo, points.length));
    for (const p of points) {
      this.out.push(zigzag(p[0] - this.cx), zigzag(p[1] - this.cy));
      this.cx = p[0];
      this.cy = p[1];
    }
  }

  points(points: Position[]) {
    if (!points.length) return;
    this.out.push(command(Cmd.MoveTo, points.length));
    for (const p of points) {
      const x = Math.round(p[0]);
      const y = Math.round(p[1]);
      this.out.push(zigzag(x - this.cx), zigzag(y - this.cy));
      this.cx = x;
      this.cy = y;
    }
  }

  line(line: Position[]) {
    const pts = line.map((p) => [Math.round(p[0]), Math.round(p[1])]).filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    if (pts.length < 2) return;
    this.moveTo(pts[0]);
    this.lineTo(pts.slice(1));
  }

  /** A polygon: exterior positive area, holes negative (spec 4.3.4.4). */
  polygon(rings: Position[][]) {
    let first = true;
    for (const raw of rings) {
      const ring = cleanRing(raw);
      if (!ring.length) {
        if (first) return; // degenerate exterior: the whole polygon vanishes at this zoom
        continue;
      }
      const area = ringArea(ring);
      if (area === 0) {
        if (first) return;
        continue;
      }
      if ((first && area < 0) || (!first && area > 0)) ring.reverse();
      this.moveTo(ring[0]);
      this.lineTo(ring.slice(1));
      this.out.push(command(Cmd.ClosePath, 1));
      first = false;
    }
  }
}

/** Encode a geometry; returns its MVT type and commands, or null when nothing is left. */
export function encodeGeometry(g: Geometry): { type: GeomType; commands: number[] } | null {
  const w = new GeometryWriter();
  let type: GeomType;
  switch (g.type) {
    case 'Point': type = GeomType.Point; w.points([g.coordinates]); break;
    case 'MultiPoint': type = GeomType.Point; w.points(g.coordinates); break;
    case 'LineString': type = GeomType.LineString; w.line(g.coordinates); break;
    case 'MultiLineString': type = GeomType.LineString; g.coordinates.forEach((l) => w.line(l)); break;
    case 'Polygon': type = GeomType.Polygon; w.polygon(g.coordinates); break;
    case 'MultiPolygon': type = GeomType.Polygon; g.coordinates.forEach((p) => w.polygon(p)); break;
    default: return null; // GeometryCollection: ST_AsMVTGeom never yields one for our layers
  }
  return w.out.length ? { type, commands: w.out } : null;
}

type Value = string | number | boolean;

function valueKey(v: Value): string {
  return `${typeof v}:${v}`;
}

function writeValue(v: Value, pbf: Pbf) {
  if (typeof v === 'string') pbf.writeStringField(1, v);
  else if (typeof v === 'boolean') pbf.writeBooleanField(7, v);
  else if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) {
    if (v < 0) pbf.writeSVarintField(6, v);
    else pbf.writeVarintField(5, v);
  } else pbf.writeDoubleField(3, v);
}

/** Flatten a property value the way ST_AsMVT does: arrays and objects become JSON strings. */
function tileValue(v: unknown): Value | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

function writeLayer(layer: TileLayer, pbf: Pbf) {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const values: Value[] = [];
  const valueIndex = new Map<string, number>();
  const encoded: { f: TileFeature; g: { type: GeomType; commands: number[] }; tags: number[] }[] = [];
  for (const f of layer.features) {
    const g = encodeGeometry(f.geometry);
    if (!g) continue;
    const tags: number[] = [];
    for (const [k, raw] of Object.entries(f.properties)) {
      const v = tileValue(raw);
      if (v === null) continue;
      let ki = keyIndex.get(k);
      if (ki === undefined) { ki = keys.push(k) - 1; keyIndex.set(k, ki); }
      const vk = valueKey(v);
      let vi = valueIndex.get(vk);
      if (vi === undefined) { vi = values.push(v) - 1; valueIndex.set(vk, vi); }
      tags.push(ki, vi);
    }
    encoded.push({ f, g, tags });
  }
  if (!encoded.length) return false;
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  for (const { f, g, tags } of encoded) {
    pbf.writeMessage(2, (_: unknown, p: Pbf) => {
      if (f.id !== null && Number.isInteger(f.id) && f.id >= 0) p.writeVarintField(1, f.id);
      if (tags.length) p.writePackedVarint(2, tags);
      p.writeVarintField(3, g.type);
      p.writePackedVarint(4, g.commands);
    }, null);
  }
  for (const k of keys) pbf.writeStringField(3, k);
  for (const v of values) pbf.writeMessage(4, (_: unknown, p: Pbf) => writeValue(v, p), null);
  pbf.writeVarintField(5, layer.extent);
  return true;
}

/** Encode a single layer as a complete tile; empty when the layer has no drawable feature. */
export function encodeTileLayer(layer: TileLayer): Uint8Array {
  const pbf = new Pbf();
  const body = new Pbf();
  if (!writeLayer(layer, body)) return new Uint8Array(0);
  pbf.writeBytesField(3, body.finish());
  return pbf.finish();
}
