-- Vector-tile queries, one template for every layer. {{table}}, {{id}}, {{props}}, {{propnames}},
-- {{minarea}}, {{pointsBelow}}, {{clusterBelow}} and {{clusterBy}} come from the layer definition
-- (static code, identifiers escaped); {{where}} is the layer's filter and visibility from the one
-- feature-query compiler (layers/query/feature-query.ts). Values are named parameters:
--   :z :x :y the tile, :cap the feature cap, :min_area the smallest polygon kept (m², sub-pixel
--   drop), :layer the MVT layer name (native only).

-- name: tileSource
-- What both encoders start from: the layer's features in the tile (+ buffer), generalized for the
-- zoom (polygons as points below {{pointsBelow}}, simplified to half a tile unit) in EPSG:3857;
-- below {{clusterBelow}} one feature (the lowest id) stands for each 64×64-unit cell, so low-zoom
-- tiles stay small however many parcels a city has.
WITH bounds AS (
  SELECT ST_TileEnvelope(:z, :x, :y) AS env,
         -- The buffered envelope clipped to the world first: past ±180° it would wrap and invert.
         ST_Transform(ST_ClipByBox2D(ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096),
                                     ST_MakeEnvelope(-20037508.342789244, -20037508.342789244, 20037508.342789244, 20037508.342789244, 3857)), 4326) AS env4326,
         (40075016.68557849 / (2 ^ :z) / 4096) AS unit
), feat AS (
  SELECT t.{{id}}::bigint AS id, {{props}},
         ST_Simplify(ST_Transform(CASE WHEN :z < {{pointsBelow}} THEN ST_PointOnSurface(t.geom) ELSE t.geom END, 3857),
                     bounds.unit / 2, true) AS g,
         bounds.unit AS cell_unit
  FROM {{table}} t, bounds
  WHERE {{where}}
    AND t.geom && bounds.env4326
    AND {{minarea}}
), src AS (
  SELECT DISTINCT ON (cell) *
  FROM (SELECT feat.*, CASE WHEN :z < {{clusterBelow}}
                            THEN ST_AsText(ST_SnapToGrid(ST_PointOnSurface(feat.g), feat.cell_unit * 64)){{clusterBy}}
                            ELSE feat.id::text END AS cell
        FROM feat) k
  ORDER BY cell, id
  LIMIT :cap
)

-- name: nativeTile
-- A complete tile from ST_AsMVT (PostGIS with protobuf).
{{source}}
SELECT ST_AsMVT(q, :layer, 4096, 'geom', 'id') AS tile
FROM (
  SELECT src.id, {{propnames}}, ST_AsMVTGeom(src.g, bounds.env, 4096, 64, true) AS geom
  FROM src, bounds
) q
WHERE q.geom IS NOT NULL;

-- name: clippedFeatures
-- The same features clipped to the tile (+ buffer) in integer tile units, for the Node encoder.
{{source}}, clipped AS (
  SELECT src.*, ST_ClipByBox2D(src.g, Box2D(ST_Expand(bounds.env, bounds.unit * 64))) AS c,
         bounds.env, bounds.unit
  FROM src, bounds
)
SELECT id, {{propnames}},
       ST_AsGeoJSON(ST_Affine(c, 1 / unit, 0, 0, -1 / unit, -ST_XMin(env) / unit, ST_YMax(env) / unit), 0) AS geom
FROM clipped
WHERE NOT ST_IsEmpty(c);

-- name: changesSince
SELECT id, layer, ST_XMin(bbox) AS xmin, ST_YMin(bbox) AS ymin, ST_XMax(bbox) AS xmax, ST_YMax(bbox) AS ymax
FROM feature_changes
WHERE id > $1
ORDER BY id
LIMIT 100000;

-- name: layerVersions
SELECT layer, max(id) AS version FROM feature_changes GROUP BY layer;
