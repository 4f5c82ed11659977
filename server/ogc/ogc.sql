-- Feature queries of OGC API – Features and the exports. {{table}}, {{id}} and {{filter}} come from
-- the layer definition (static code, identifiers escaped); {{cql}} is the fragment compiled by
-- cql2.ts (escaped columns, values as $n). Every value is a $n parameter:
--   $1 layer filter value (or NULL), $2 viewer sees unpublished, $3..$6 bbox (or NULL),
--   $7 feature ids as text (or NULL); the query's own parameters follow, then the filter's.

-- name: countItems
SELECT count(*) AS n
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND ($3::float8 IS NULL OR ST_Intersects(t.geom, ST_MakeEnvelope($3, $4, $5, $6, 4326)))
  AND ($7::text[] IS NULL OR t.{{id}}::text = ANY($7::text[]))
  AND {{cql}};

-- name: listItems
-- $8 limit, $9 offset.
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND ($3::float8 IS NULL OR ST_Intersects(t.geom, ST_MakeEnvelope($3, $4, $5, $6, 4326)))
  AND ($7::text[] IS NULL OR t.{{id}}::text = ANY($7::text[]))
  AND {{cql}}
ORDER BY t.{{id}}
LIMIT $8 OFFSET $9;

-- name: getItem
-- $3 feature id as text.
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND t.{{id}}::text = $3;

-- name: extent
SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent(t.geom) AS e
      FROM {{table}} t
      WHERE {{filter}} AND ($2::boolean OR t.review_state = 'published')) s;

-- name: exportBatch
-- Keyset paging for exports: $8 the last id of the previous batch (or NULL; its type is inferred
-- from the id column, so the comparison comes first), $9 batch size.
-- Full coordinate precision (15 digits), WKT and a point on the surface for CSV.
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 15) AS geometry,
       ST_AsText(t.geom) AS wkt,
       ST_X(ST_PointOnSurface(t.geom)) AS lon,
       ST_Y(ST_PointOnSurface(t.geom)) AS lat,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND ($3::float8 IS NULL OR ST_Intersects(t.geom, ST_MakeEnvelope($3, $4, $5, $6, 4326)))
  AND ($7::text[] IS NULL OR t.{{id}}::text = ANY($7::text[]))
  AND (t.{{id}} > $8 OR $8 IS NULL)
  AND {{cql}}
ORDER BY t.{{id}}
LIMIT $9;
