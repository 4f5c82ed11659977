/** Types for the parts of mbostock's `shapefile` package that shapefile.reader.ts uses. */
declare module 'shapefile' {
  import type { Geometry } from 'geojson';

  /** A sequential .shp record source; `value` is null for a NULL shape. */
  export interface ShpSource {
    bbox: [number, number, number, number];
    read(): Promise<{ done: true; value: undefined } | { done: false; value: Geometry | null }>;
  }

  /** Opens .shp bytes for reading records one at a time. */
  export function openShp(source: ArrayBuffer | Uint8Array): Promise<ShpSource>;
}
