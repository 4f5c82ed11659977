/**
 * Shared generator of benchmark data (used by bench:tiles, bench:import and bench:select):
 * 200,000 parcel polygons and 20,000 amenity points in the Dazhou extent, deterministic, clustered
 * around 40 industrial-park-like centres the way real carriers are.
 */
import fs from 'node:fs';
import type { Feature, Point, Polygon } from 'geojson';

/** Default sizes. */
export const BENCH_PARCELS = 200_000;
export const BENCH_AMENITIES = 20_000;

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cluster centres (lon, lat) inside Dazhou's extent, away from its edges. */
export function benchCentres(n = 40, seed = 7): [number, number][] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => [106.95 + r() * 1.2, 30.65 + r() * 1.3] as [number, number]);
}

/**
 * Cluster centres well inside Dazhou's county boundaries, for imports: the box 107.35–107.80 E,
 * 30.95–31.40 N lies inside them even grown by the 6 km spread of parcels around a centre, so every
 * parcel is inside the import service area (parcels beyond counties + SERVICE_AREA_BUFFER_KM are rejected).
 */
export function importCentres(n = 40, seed = 7): [number, number][] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => [107.35 + r() * 0.45, 30.95 + r() * 0.45] as [number, number]);
}

const M_PER_DEG_LAT = 111_320;

/** Parcel i: a rotated rectangle 40–300 m a side near one of the centres. */
export function* benchParcels(count = BENCH_PARCELS, seed = 11, centres = benchCentres()): Generator<Feature<Polygon>> {
  const r = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    const [clon, clat] = centres[i % centres.length];
    const dist = Math.sqrt(r()) * 6000;
    const ang = r() * Math.PI * 2;
    const lat = clat + (Math.sin(ang) * dist) / M_PER_DEG_LAT;
    const lon = clon + (Math.cos(ang) * dist) / (M_PER_DEG_LAT * Math.cos((clat * Math.PI) / 180));
    const w = 40 + r() * 260;
    const h = 40 + r() * 260;
    const rot = r() * Math.PI;
    const kx = 1 / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
    const ky = 1 / M_PER_DEG_LAT;
    const corners = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([x, y]) => {
      const xr = x * Math.cos(rot) - y * Math.sin(rot);
      const yr = x * Math.sin(rot) + y * Math.cos(rot);
      return [Number((lon + xr * kx).toFixed(7)), Number((lat + yr * ky).toFixed(7))];
    });
    corners.push(corners[0]);
    const statusRoll = r();
    yield {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [corners] },
      properties: {
        DKBH: `BENCH-${String(i + 1).padStart(6, '0')}`,
        DKMC: `基准地块${i + 1}`,
        YDXZ: ['一类工业用地', '二类工业用地', '物流仓储用地', '商业用地'][i % 4],
        RJL: `${(1 + r() * 0.2).toFixed(1)}-${(2 + r()).toFixed(1)}`,
        JG: Math.round(15 + r() * 30),
        ZT: statusRoll < 0.6 ? '可招商' : statusRoll < 0.8 ? '洽谈中' : '已入驻',
      },
    };
  }
}

/** Amenity points of the 16 kinds around the same centres. */
export function* benchAmenities(count = BENCH_AMENITIES, seed = 13): Generator<Feature<Point>> {
  const r = mulberry32(seed);
  const centres = benchCentres();
  const kinds = ['school', 'hospital', 'pharmacy', 'bank', 'bus_stop', 'rail_station', 'highway_exit', 'hotel', 'restaurant', 'mall', 'scenic', 'gas_station', 'police', 'post_office', 'government', 'logistics'];
  for (let i = 0; i < count; i++) {
    const [clon, clat] = centres[i % centres.length];
    const dist = Math.sqrt(r()) * 9000;
    const ang = r() * Math.PI * 2;
    yield {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [
        Number((clon + (Math.cos(ang) * dist) / (M_PER_DEG_LAT * Math.cos((clat * Math.PI) / 180))).toFixed(7)),
        Number((clat + (Math.sin(ang) * dist) / M_PER_DEG_LAT).toFixed(7)),
      ] },
      // Kind by a random draw, not i % 16: with 40 centres, i % 16 would give each cluster only 2 of the 16 kinds.
      properties: { code: `BA-${i + 1}`, kind: kinds[Math.floor(r() * kinds.length)], name: `配套${i + 1}` },
    };
  }
}

/** Write parcels as GeoJSONSeq (one Feature per line) for bench:import and ogr2ogr; all inside the service area. */
export function writeParcelsSeq(file: string, count = BENCH_PARCELS): void {
  const fd = fs.openSync(file, 'w');
  let buf = '';
  for (const f of benchParcels(count, 11, importCentres())) {
    buf += JSON.stringify(f) + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}
