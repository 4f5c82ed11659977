-- name: insertTileset
INSERT INTO tilesets (name, park_id, carrier_id, origin, source_sha256, version, georeferenced, lon, lat, height, heading,
                      center, tile_count, entry_count, total_bytes, review_state, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
        CASE WHEN $12::double precision IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($12, $13), 4326) END,
        $14, $15, $16, $17, $18)
RETURNING id;

-- name: insertTilesetEntries
INSERT INTO tileset_entries (tileset_id, path, sha256, ext, size, gzip_size)
SELECT $1, e.path, e.sha256, e.ext, e.size, e.gzip_size
FROM jsonb_to_recordset($2::jsonb) AS e(path text, sha256 text, ext text, size bigint, gzip_size bigint);

-- name: listTilesets
SELECT t.id, t.name, t.park_id, t.carrier_id, t.origin, t.version, t.georeferenced, t.lon, t.lat, t.height, t.heading,
       ST_X(t.center) AS center_lon, ST_Y(t.center) AS center_lat, t.tile_count, t.entry_count, t.total_bytes,
       t.review_state, t.created_at
FROM tilesets t
LEFT JOIN parks p ON p.id = t.park_id
LEFT JOIN carriers c ON c.id = t.carrier_id
WHERE ($1::boolean OR (t.review_state = 'published'
                       AND (t.park_id IS NULL OR p.review_state = 'published')
                       AND (t.carrier_id IS NULL OR c.review_state = 'published')))
  AND ($2::bigint IS NULL OR t.park_id = $2)
  AND ($3::bigint IS NULL OR t.carrier_id = $3)
ORDER BY t.id;

-- name: getTileset
SELECT t.id, t.name, t.park_id, t.carrier_id, t.origin, t.version, t.georeferenced, t.lon, t.lat, t.height, t.heading,
       ST_X(t.center) AS center_lon, ST_Y(t.center) AS center_lat, t.tile_count, t.entry_count, t.total_bytes,
       t.review_state, t.created_at,
       (t.review_state = 'published' AND (t.park_id IS NULL OR p.review_state = 'published')
        AND (t.carrier_id IS NULL OR c.review_state = 'published')) AS public
FROM tilesets t
LEFT JOIN parks p ON p.id = t.park_id
LEFT JOIN carriers c ON c.id = t.carrier_id
WHERE t.id = $1;

-- name: getTilesetEntry
SELECT e.path, e.sha256, e.ext, e.size, e.gzip_size
FROM tileset_entries e
WHERE e.tileset_id = $1 AND e.path = $2;

-- name: setTilesetPlacement
UPDATE tilesets SET lon = $2, lat = $3, height = $4, heading = $5, center = ST_SetSRID(ST_MakePoint($2, $3), 4326)
WHERE id = $1
RETURNING id;

-- name: setTilesetReview
UPDATE tilesets SET review_state = $2, reviewed_at = now() WHERE id = $1 RETURNING id, review_state;

-- name: insertModel
INSERT INTO bim_models (name, park_id, carrier_id, origin, format, source_sha256, source_ext, glb_sha256, glb_variant,
                        ifc_schema, element_count, lon, lat, height, heading, georef_source, up_axis, review_state, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
RETURNING id;

-- name: listModels
SELECT m.id, m.name, m.park_id, m.carrier_id, m.origin, m.format, m.ifc_schema, m.element_count,
       m.lon, m.lat, m.height, m.heading, m.georef_source, m.up_axis, m.review_state, m.created_at
FROM bim_models m
LEFT JOIN parks p ON p.id = m.park_id
LEFT JOIN carriers c ON c.id = m.carrier_id
WHERE ($1::boolean OR (m.review_state = 'published'
                       AND (m.park_id IS NULL OR p.review_state = 'published')
                       AND (m.carrier_id IS NULL OR c.review_state = 'published')))
  AND ($2::bigint IS NULL OR m.park_id = $2)
  AND ($3::bigint IS NULL OR m.carrier_id = $3)
ORDER BY m.id;

-- name: getModel
SELECT m.id, m.name, m.park_id, m.carrier_id, m.origin, m.format, m.ifc_schema, m.element_count,
       m.lon, m.lat, m.height, m.heading, m.georef_source, m.up_axis, m.review_state, m.created_at,
       m.source_sha256, m.source_ext, m.glb_sha256, m.glb_variant,
       (m.review_state = 'published' AND (m.park_id IS NULL OR p.review_state = 'published')
        AND (m.carrier_id IS NULL OR c.review_state = 'published')) AS public
FROM bim_models m
LEFT JOIN parks p ON p.id = m.park_id
LEFT JOIN carriers c ON c.id = m.carrier_id
WHERE m.id = $1;

-- name: setModelReview
UPDATE bim_models SET review_state = $2, reviewed_at = now() WHERE id = $1 RETURNING id, review_state;

-- name: carrierAnchor
SELECT c.id, c.park_id, c.kind, ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat
FROM carriers c WHERE c.id = $1;

-- name: parkAnchor
SELECT p.id, ST_X(ST_PointOnSurface(p.geom)) AS lon, ST_Y(ST_PointOnSurface(p.geom)) AS lat
FROM parks p WHERE p.id = $1;

-- name: crsInfo
-- Whether PostGIS knows EPSG code $1 and whether it is projected (metres) or geographic.
SELECT srid, (srtext LIKE 'PROJCS%' OR srtext LIKE 'PROJCRS%') AS projected
FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1;

-- name: projectToLonLat
-- Points ($2: JSON [[x, y], …]) in EPSG:$1 as WGS84 lon/lat, in order.
SELECT ST_X(g) AS lon, ST_Y(g) AS lat
FROM (SELECT ord, ST_Transform(ST_SetSRID(ST_MakePoint((p->>0)::double precision, (p->>1)::double precision), $1), 4326) AS g
      FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS a(p, ord)) s
ORDER BY ord;

-- name: insertJob
INSERT INTO tileset_jobs (kind, file_name, source_sha256, source_bytes, options, created_by)
VALUES ('oblique', $1, $2, $3, $4::jsonb, $5)
RETURNING id;

-- name: getJob
SELECT j.id, j.kind, j.file_name, j.source_sha256, j.source_bytes, j.options, j.state, j.stage, j.progress, j.error,
       j.warnings, j.tileset_id, j.created_by, j.created_at, j.started_at, j.finished_at
FROM tileset_jobs j WHERE j.id = $1;

-- name: listJobs
-- The newest jobs (for the upload page), unfinished first.
SELECT j.id, j.kind, j.file_name, j.source_sha256, j.source_bytes, j.options, j.state, j.stage, j.progress, j.error,
       j.warnings, j.tileset_id, j.created_by, j.created_at, j.started_at, j.finished_at
FROM tileset_jobs j
ORDER BY (j.state IN ('queued', 'running')) DESC, j.id DESC
LIMIT $1;

-- name: claimJob
-- queued → running; no row when another runner took it or it is no longer queued.
UPDATE tileset_jobs SET state = 'running', stage = 'reading', started_at = now()
WHERE id = $1 AND state = 'queued'
RETURNING id;

-- name: setJobProgress
UPDATE tileset_jobs SET stage = $2, progress = $3 WHERE id = $1 AND state = 'running';

-- name: failJob
UPDATE tileset_jobs SET state = 'failed', stage = 'failed', error = $2::jsonb, finished_at = now()
WHERE id = $1 AND state IN ('queued', 'running');

-- name: finishJob
UPDATE tileset_jobs SET state = 'done', stage = 'done', progress = 1, tileset_id = $2, warnings = $3::jsonb, finished_at = now()
WHERE id = $1 AND state = 'running'
RETURNING id;

-- name: failInterrupted
-- Jobs a stopped server left queued or running: failed, with the message in both languages
-- ({file} is replaced by each job's file name).
UPDATE tileset_jobs
SET state = 'failed', stage = 'failed', finished_at = now(),
    error = jsonb_build_object('zh', replace($1, '{file}', file_name), 'en', replace($2, '{file}', file_name),
                               'reason', 'interrupted', 'file', file_name)
WHERE state IN ('queued', 'running')
RETURNING id;
