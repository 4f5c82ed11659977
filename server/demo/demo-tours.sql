-- Demo tours and panoramas, written once after the demo data (see demo-tours.ts).

-- name: demoState
-- Whether the demo data was loaded, and whether the demo tours were.
SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS demo_seeded,
       EXISTS (SELECT 1 FROM settings WHERE key = 'demo_tours_seeded') AS tours_seeded;

-- name: parksByCode
SELECT id, code, name_zh, name_en, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat
FROM parks WHERE code = ANY ($1::text[]) AND review_state = 'published';

-- name: upsertPanorama
-- $1 sha256, $2 name, $3 width, $4 height, $5 heading, $6 park id, $7 carrier id, $8 lon, $9 lat.
-- Re-running after a crash finds the same bytes (same hash) and reuses the row.
INSERT INTO photos (sha256, file_name, is_panorama, taken_at, make, model, width, height, heading, exif,
                    park_id, carrier_id, review_state, geom)
VALUES ($1, $2, true, '2025-05-01T10:00:00+08:00', 'dazhou-carrier-gis', 'demo-panorama', $3, $4, $5,
        '{"ProjectionType": "equirectangular", "synthetic": true}'::jsonb, $6, $7, 'published', ST_SetSRID(ST_MakePoint($8, $9), 4326))
ON CONFLICT (sha256) DO UPDATE SET file_name = EXCLUDED.file_name
RETURNING id;

-- name: tourExists
-- $1 park id, $2 title (zh).
SELECT EXISTS (SELECT 1 FROM tours WHERE park_id = $1 AND title_zh = $2) AS found;

-- name: markToursSeeded
INSERT INTO settings (key, value) VALUES ('demo_tours_seeded', $1::jsonb) ON CONFLICT (key) DO NOTHING;
