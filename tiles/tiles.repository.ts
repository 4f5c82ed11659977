/**
 * Tile queries against PostGIS: native `ST_AsMVT` where PostGIS has protobuf, otherwise clipped
 * tile-coordinate geometries for the Node encoder; plus the change log that drives cache purging.
 */
import pg from 'pg';
import type { Geometry } from 'geojson';
import type { LayerDefinition } from '../layers/definition.ts';
import { fillTemplate, loadQueries } from '../core/db/sql.ts';
import type { TileCoord } from './tile-math.ts';
import type { TileFeature } from './mvt-encoder.ts';
import { bindNamed, compileFeatureQuery, featurePredicate, SqlParams, type CompiledQuery } from '../layers/query/feature-query.ts';

const Q = loadQueries(import.meta.url, 'tiles.sql', ['tileSource', 'nativeTile', 'clippedFeatures', 'changesSince', 'layerVersions'] as const);

/** MVT extent (tile units per side). */
export const EXTENT = 4096;

/** A logged change: which layer and the bounding box of the old or new geometry. */
export interface FeatureChange {
  id: number;
  layer: string;
  bbox: [number, number, number, number];
}

interface LayerQueries {
  /** Templates with the layer's identifiers filled in; `{{where}}` and `:named` values still open. */
  nativeTile: string;
  clippedFeatures: string;
  /** Property names in tile order. */
  props: string[];
}

const cache = new Map<string, LayerQueries>();

function layerQueries(layer: LayerDefinition): LayerQueries {
  let q = cache.get(layer.id);
  if (q) return q;
  const props = layer.tiles.properties;
  const byName = new Map(layer.attributes.map((a) => [a.name, a]));
  const propSql = [`t.${pg.escapeIdentifier(layer.nameColumn)}::text AS "name"`];
  // Cast to the types both encoders write identically (ST_AsMVT writes numeric and date as text).
  const cast: Record<string, string> = { number: '::float8', integer: '::int8', date: '::text', 'string[]': '::text', enum: '::text', string: '::text', boolean: '' };
  for (const p of props) {
    const a = byName.get(p);
    if (!a) throw new Error(`layer ${layer.id}: tile property "${p}" is not an attribute`);
    const col = `t.${pg.escapeIdentifier(a.column ?? a.name)}`;
    // Areas to the cm², as the API gives them (features.service `toFeature`).
    const value = a.type === 'number' && a.name.endsWith('area_m2') ? `round(${col}::numeric, 2)::float8` : `${col}${cast[a.type]}`;
    propSql.push(`${value} AS ${pg.escapeIdentifier(p)}`);
  }
  const propNames = ['name', ...props].map((p) => `src.${pg.escapeIdentifier(p)}`).join(', ');
  const propNamesPlain = ['name', ...props].map((p) => pg.escapeIdentifier(p)).join(', ');
  const hasArea = layer.geometryType !== 'Point' && layer.tiles.minAreaUnits !== undefined;
  const pointsBelow = String(Math.trunc(layer.tiles.pointsBelowZoom ?? 0));
  const slots = {
    table: pg.escapeIdentifier(layer.table),
    id: pg.escapeIdentifier(layer.idColumn),
    props: propSql.join(', '),
    pointsBelow,
    // Only polygons drawn as polygons are dropped for being sub-pixel; below {{pointsBelow}} every
    // carrier is a point, so the layer is not empty between its minzoom and the polygon zoom.
    minarea: hasArea ? `(:z < ${pointsBelow} OR t.area_m2 >= :min_area::float8)` : 'TRUE',
    clusterBelow: String(Math.trunc(layer.tiles.clusterBelowZoom ?? 0)),
    clusterBy: layer.tiles.clusterBy ? ` || '|' || coalesce(feat.${pg.escapeIdentifier(layer.tiles.clusterBy)}::text, '')` : '',
  };
  // {{source}} first: it holds slots of its own.
  const fill = (sql: string, propnames: string) => fillTemplate(fillTemplate(sql, { source: Q.tileSource }), { ...slots, propnames });
  q = {
    nativeTile: fill(Q.nativeTile, propNames),
    clippedFeatures: fill(Q.clippedFeatures, propNamesPlain),
    props: ['name', ...props],
  };
  cache.set(layer.id, q);
  return q;
}

/** The statement for one tile: the layer's filter and visibility from the one compiler, values bound. */
function tileStatement(template: string, layer: LayerDefinition, q: TileQuery, named: Record<string, unknown>): CompiledQuery {
  const params = new SqlParams();
  const where = featurePredicate(layer, { seesUnpublished: q.seesUnpublished }, params);
  const text = bindNamed(fillTemplate(template, { where }), {
    z: q.tile.z, x: q.tile.x, y: q.tile.y, cap: q.cap, min_area: q.minAreaM2, ...named,
  }, params, `tile of ${layer.id}`);
  return { text, values: params.values };
}

/** Parameters shared by both tile queries. */
export interface TileQuery {
  tile: TileCoord;
  seesUnpublished: boolean;
  cap: number;
  /** Smallest polygon area kept, in m² on the ground. */
  minAreaM2: number;
}

/** Data access for tiles. */
export class TilesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** A complete single-layer tile from `ST_AsMVT` (real PostGIS only). */
  async nativeTile(layer: LayerDefinition, q: TileQuery): Promise<Uint8Array> {
    const { text, values } = tileStatement(layerQueries(layer).nativeTile, layer, q, { layer: layer.id });
    const { rows } = await this.pool.query(text, values);
    return rows[0]?.tile ?? new Uint8Array(0);
  }

  /** Features clipped to the tile (+ buffer) in integer tile coordinates, for the Node encoder. */
  async clippedFeatures(layer: LayerDefinition, q: TileQuery): Promise<TileFeature[]> {
    const lq = layerQueries(layer);
    const { text, values } = tileStatement(lq.clippedFeatures, layer, q, {});
    const { rows } = await this.pool.query(text, values);
    return rows.map((r) => {
      const properties: Record<string, unknown> = {};
      for (const p of lq.props) properties[p] = r[p];
      return { id: r.id as number, geometry: JSON.parse(r.geom) as Geometry, properties };
    });
  }

  /** Changes logged after `afterId`, oldest first. */
  async changesSince(afterId: number): Promise<FeatureChange[]> {
    const { rows } = await this.pool.query(Q.changesSince, [afterId]);
    return rows.map((r) => ({ id: r.id, layer: r.layer, bbox: [r.xmin, r.ymin, r.xmax, r.ymax] }));
  }

  /** Current version (latest change id) of every layer that ever changed. */
  async layerVersions(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query(Q.layerVersions);
    return new Map(rows.map((r) => [r.layer, r.version]));
  }

  /** Extent of what the viewer can see of a layer, or null when empty. */
  async layerExtent(layer: LayerDefinition, seesUnpublished: boolean): Promise<[number, number, number, number] | null> {
    const { text, values } = compileFeatureQuery('extent', layer, { seesUnpublished });
    const { rows } = await this.pool.query(text, values);
    const r = rows[0];
    return r && r.xmin !== null ? [r.xmin, r.ymin, r.xmax, r.ymax] : null;
  }
}
