-- The demo-tour loader's own bookkeeping and look-ups (see demo-tours.ts). The panoramas are
-- written by the panorama import, the tours by ToursService.

-- name: demoState
-- Whether the demo data was loaded, and whether the demo tours were.
SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS demo_seeded,
       EXISTS (SELECT 1 FROM settings WHERE key = 'demo_tours_seeded') AS tours_seeded;

-- name: parksByCode
SELECT id, code, name_zh, name_en, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat
FROM parks WHERE code = ANY ($1::text[]) AND review_state = 'published';

-- name: photoIds
-- $1 text[]: hashes of uploaded originals; the photos (panoramas) stored from them.
SELECT id, sha256 FROM photos WHERE sha256 = ANY ($1::text[]);

-- name: markToursSeeded
INSERT INTO settings (key, value) VALUES ('demo_tours_seeded', $1::jsonb) ON CONFLICT (key) DO NOTHING;
