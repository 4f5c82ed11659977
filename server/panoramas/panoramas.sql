-- Panoramas: `photos` rows with is_panorama and a position. Every value is a $n parameter;
-- `$2 sees unpublished` decides visibility (the public sees review_state = 'published' only).
-- Distances and bearings are geodesic (geography) on candidates first narrowed by the GiST index
-- on `geom` (a box of radius / 80 km per degree around the panorama), never a geography cast over the table.

-- name: listPanoramas
-- $1 sees unpublished, $2..$5 bbox (or NULL), $6 park id (or NULL), $7 limit.
SELECT p.id, p.file_name AS name, p.heading, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.park_id,
       p.taken_at, p.width, p.height, p.review_state, p.sha256
FROM photos p
WHERE p.is_panorama AND p.geom IS NOT NULL
  AND ($1::boolean OR p.review_state = 'published')
  AND ($2::float8 IS NULL OR p.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
  AND ($6::bigint IS NULL OR p.park_id = $6)
ORDER BY p.id
LIMIT $7;

-- name: getPanorama
-- $1 sees unpublished, $2 id.
SELECT p.id, p.file_name AS name, p.heading, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.park_id,
       p.taken_at, p.width, p.height, p.review_state, p.sha256
FROM photos p
WHERE p.is_panorama AND p.geom IS NOT NULL
  AND ($1::boolean OR p.review_state = 'published')
  AND p.id = $2;

-- name: nearbyPanoramas
-- $1 sees unpublished, $2 id of the panorama, $3 radius in metres. Nearest first.
WITH o AS (SELECT geom FROM photos WHERE id = $2)
SELECT p.id, p.file_name AS name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       ST_Distance(p.geom::geography, o.geom::geography) AS distance_m,
       degrees(ST_Azimuth(o.geom::geography, p.geom::geography)) AS bearing
FROM photos p, o
WHERE p.is_panorama AND p.id <> $2
  AND ($1::boolean OR p.review_state = 'published')
  AND p.geom && ST_Expand(o.geom, $3::float8 / 80000.0)
  AND ST_DWithin(p.geom::geography, o.geom::geography, $3)
ORDER BY distance_m
LIMIT 20;

-- name: carriersInView
-- $1 sees unpublished, $2 id of the panorama, $3 radius in metres. Carriers whose outline comes
-- within the radius; the bearing points at a point inside the carrier (ST_PointOnSurface).
WITH o AS (SELECT geom FROM photos WHERE id = $2)
SELECT c.id, c.kind, c.code, c.name, c.status,
       ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat,
       ST_Distance(c.geom::geography, o.geom::geography) AS distance_m,
       degrees(ST_Azimuth(o.geom::geography, ST_PointOnSurface(c.geom)::geography)) AS bearing
FROM carriers c, o
WHERE ($1::boolean OR c.review_state = 'published')
  AND c.geom && ST_Expand(o.geom, $3::float8 / 80000.0)
  AND ST_DWithin(c.geom::geography, o.geom::geography, $3)
ORDER BY distance_m
LIMIT 30;

-- name: photoAsset
-- $1 sees unpublished, $2 photo id: the hash under which the photo's files are stored.
SELECT p.id, p.sha256, p.is_panorama, p.review_state
FROM photos p
WHERE ($1::boolean OR p.review_state = 'published') AND p.id = $2;
