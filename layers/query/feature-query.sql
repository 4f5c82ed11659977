-- Feature reads of every layer: the features API, OGC API – Features and the exports all run these.
-- {{table}} and {{id}} come from the layer definition (static code, identifiers escaped); {{where}}
-- is compiled by feature-query.ts from the layer's fixed filter, visibility, bbox, ids and any
-- extra predicate (CQL2, datetime). Values are named parameters (:name), numbered $n when bound.

-- name: count
SELECT count(*) AS n
FROM {{table}} t
WHERE {{where}};

-- name: page
-- One page in id order; coordinates to :precision decimals (7 ≈ 1 cm).
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, :precision::int) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{where}}
ORDER BY t.{{id}}
LIMIT :limit OFFSET :offset;

-- name: batch
-- Keyset paging for exports: :after is the last id of the previous batch (or NULL; its type is
-- inferred from the id column, so the comparison comes first). Full coordinate precision (15
-- digits), WKT and a point on the surface for CSV.
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 15) AS geometry,
       ST_AsText(t.geom) AS wkt,
       ST_X(ST_PointOnSurface(t.geom)) AS lon,
       ST_Y(ST_PointOnSurface(t.geom)) AS lat,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE (t.{{id}} > :after OR :after IS NULL)
  AND {{where}}
ORDER BY t.{{id}}
LIMIT :limit;

-- name: extent
SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent(t.geom) AS e FROM {{table}} t WHERE {{where}}) s;

-- name: setReviewState
UPDATE {{table}} t SET review_state = :state
WHERE {{where}}
RETURNING t.{{id}} AS id;
