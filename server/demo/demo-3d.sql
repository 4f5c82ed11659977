-- What the demo's 3D step reads (demo-3d.ts): the park it models and that park's buildings.

-- name: hasDemoAssets
SELECT EXISTS (SELECT 1 FROM tilesets WHERE origin = 'demo') AS tilesets,
       EXISTS (SELECT 1 FROM bim_models WHERE origin = 'demo') AS models;

-- name: demoPark
SELECT p.id, p.code, p.name_zh, count(c.id)::int AS buildings
FROM parks p JOIN carriers c ON c.park_id = p.id AND c.kind IN ('factory', 'office')
WHERE p.review_state = 'published'
GROUP BY p.id
ORDER BY count(c.id) DESC, p.id
LIMIT 1;

-- name: parkBuildings
SELECT c.id, c.code, c.kind, c.status, c.name, COALESCE(c.building_height_m, c.floors * 4.5, 12) AS height_m,
       ST_AsGeoJSON(c.geom, 7) AS geometry
FROM carriers c
WHERE c.park_id = $1 AND c.kind IN ('factory', 'office')
ORDER BY c.id;
