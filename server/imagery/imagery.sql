-- name: srsExists
SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $1::int) AS ok;

-- name: transformPoints
-- Points ($1 xs, $2 ys) from SRID $3 to SRID $4, in order; NULL where PROJ cannot transform one.
SELECT array_agg(ST_X(g) ORDER BY i) AS xs, array_agg(ST_Y(g) ORDER BY i) AS ys
FROM (
  SELECT t.i, ST_Transform(ST_SetSRID(ST_MakePoint(t.x, t.y), $3::int), $4::int) AS g
  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(x, y, i)
) p;

-- name: parkPublished
SELECT review_state = 'published' AS published FROM parks WHERE id = $1;

-- name: insertImagery
INSERT INTO imagery (name, file_name, park_id, source_sha256, source_bytes, source_epsg, width, height, bands,
                     pixel_size_m, footprint, min_zoom, max_zoom, captured_on, capture_source, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
        ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY(
          SELECT ST_MakePoint(x, y) FROM unnest($11::float8[], $12::float8[]) WITH ORDINALITY AS t(x, y, i) ORDER BY i))), 4326),
        $13, $14, $15::date, $16, $17)
RETURNING id;

-- name: listImagery
-- Every orthophoto the caller may see ($1: sees unpublished), optionally of one park ($2).
SELECT i.id, i.name, i.file_name, i.park_id, i.source_epsg, i.width, i.height, i.bands, i.pixel_size_m,
       ST_AsGeoJSON(i.footprint, 7)::jsonb AS footprint,
       ARRAY[ST_XMin(i.footprint), ST_YMin(i.footprint), ST_XMax(i.footprint), ST_YMax(i.footprint)] AS bounds,
       i.min_zoom, i.max_zoom, to_char(i.captured_on, 'YYYY-MM-DD') AS captured_on, i.capture_source,
       i.status, i.progress, i.error, i.tile_count, i.tile_bytes, i.source_bytes, i.review_state,
       i.created_at, i.ready_at, i.reviewed_at
FROM imagery i
LEFT JOIN parks p ON p.id = i.park_id
WHERE ($1::boolean OR (i.review_state = 'published' AND i.status = 'ready' AND (i.park_id IS NULL OR p.review_state = 'published')))
  AND ($2::bigint IS NULL OR i.park_id = $2)
ORDER BY i.captured_on DESC NULLS LAST, i.id;

-- name: getImagery
SELECT i.id, i.name, i.file_name, i.park_id, i.source_epsg, i.width, i.height, i.bands, i.pixel_size_m,
       ST_AsGeoJSON(i.footprint, 7)::jsonb AS footprint,
       ARRAY[ST_XMin(i.footprint), ST_YMin(i.footprint), ST_XMax(i.footprint), ST_YMax(i.footprint)] AS bounds,
       i.min_zoom, i.max_zoom, to_char(i.captured_on, 'YYYY-MM-DD') AS captured_on, i.capture_source,
       i.status, i.progress, i.error, i.tile_count, i.tile_bytes, i.source_bytes, i.review_state,
       i.created_at, i.ready_at, i.reviewed_at, i.source_sha256,
       (i.review_state = 'published' AND i.status = 'ready' AND (i.park_id IS NULL OR p.review_state = 'published')) AS public
FROM imagery i
LEFT JOIN parks p ON p.id = i.park_id
WHERE i.id = $1;

-- name: setProgress
UPDATE imagery SET progress = $2 WHERE id = $1 AND status = 'processing';

-- name: setReady
UPDATE imagery SET status = 'ready', progress = 1, tile_count = $2, tile_bytes = $3, ready_at = now(), error = NULL
WHERE id = $1;

-- name: setFailed
UPDATE imagery SET status = 'failed', error = $2::jsonb WHERE id = $1;

-- name: setReview
UPDATE imagery SET review_state = $2, reviewed_at = now() WHERE id = $1 RETURNING id, review_state;

-- name: setCaptureDate
UPDATE imagery SET captured_on = $2::date, capture_source = CASE WHEN $2::date IS NULL THEN NULL ELSE 'user' END
WHERE id = $1 RETURNING id;

-- name: interrupted
-- Orthophotos whose tiles were being cut when the server stopped.
SELECT id FROM imagery WHERE status = 'processing' ORDER BY id;
