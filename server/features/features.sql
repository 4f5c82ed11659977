-- Feature queries shared by every layer. {{table}}, {{id}} and {{filter}} come from the layer
-- definition (static code, identifiers escaped); every value is a $n parameter:
--   $1 layer filter value (or NULL), $2 viewer sees unpublished, $3..$6 bbox (or NULL).

-- name: countFeatures
SELECT count(*) AS n
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND ($3::float8 IS NULL OR t.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326));

-- name: listFeatures
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND ($3::float8 IS NULL OR t.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326))
ORDER BY t.{{id}}
LIMIT $7 OFFSET $8;

-- name: getFeature
SELECT t.{{id}} AS id,
       ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}}
  AND ($2::boolean OR t.review_state = 'published')
  AND t.{{id}}::text = $3;

-- name: setReviewState
-- $1 layer filter value (or NULL), $2 new state, $3 feature id.
UPDATE {{table}} t SET review_state = $2
WHERE {{filter}} AND t.{{id}}::text = $3
RETURNING t.{{id}} AS id;
