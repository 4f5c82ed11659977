-- Tours and their stops. Every value is a $n parameter. Visibility: `sees unpublished` is false
-- for the public and officers, who get published tours only and, inside them, published carriers
-- and photos only.

-- name: listTours
-- $1 sees unpublished, $2 park id (or NULL).
SELECT t.id, t.title_zh, t.title_en, t.summary_zh, t.summary_en, t.park_id, p.name_zh AS park_name_zh, p.name_en AS park_name_en,
       t.review_state, t.created_at, t.updated_at,
       (SELECT count(*) FROM tour_stops s WHERE s.tour_id = t.id)::int AS stop_count,
       (SELECT s.id FROM tour_stops s WHERE s.tour_id = t.id ORDER BY s.position LIMIT 1) AS first_stop_id
FROM tours t
LEFT JOIN parks p ON p.id = t.park_id
WHERE ($1::boolean OR t.review_state = 'published')
  AND ($2::bigint IS NULL OR t.park_id = $2)
ORDER BY t.updated_at DESC, t.id DESC;

-- name: getTour
-- $1 sees unpublished, $2 tour id.
SELECT t.id, t.title_zh, t.title_en, t.summary_zh, t.summary_en, t.park_id, p.name_zh AS park_name_zh, p.name_en AS park_name_en,
       t.review_state, t.reviewed_at, t.created_at, t.updated_at, u.username AS created_by
FROM tours t
LEFT JOIN parks p ON p.id = t.park_id
LEFT JOIN users u ON u.id = t.created_by
WHERE ($1::boolean OR t.review_state = 'published') AND t.id = $2;

-- name: tourStops
-- $1 tour id.
SELECT s.id, s.position, s.title_zh, s.title_en, s.text_zh, s.text_en, ST_X(s.center) AS lon, ST_Y(s.center) AS lat,
       s.zoom, s.pitch, s.bearing, s.dwell_s
FROM tour_stops s
WHERE s.tour_id = $1
ORDER BY s.position;

-- name: stopCarriers
-- $1 sees unpublished, $2 tour id. Outlines simplified to ~0.5 m for highlighting.
SELECT sc.stop_id, c.id, c.kind, c.code, c.name, c.status, c.area_m2, c.review_state,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, 0.000005), 7) AS geometry
FROM tour_stop_carriers sc
JOIN tour_stops s ON s.id = sc.stop_id
JOIN carriers c ON c.id = sc.carrier_id
WHERE s.tour_id = $2 AND ($1::boolean OR c.review_state = 'published')
ORDER BY sc.stop_id, sc.position;

-- name: stopMedia
-- $1 sees unpublished, $2 tour id.
SELECT sm.stop_id, ph.id, ph.file_name AS name, ph.is_panorama, ph.heading, ST_X(ph.geom) AS lon, ST_Y(ph.geom) AS lat, ph.review_state
FROM tour_stop_media sm
JOIN tour_stops s ON s.id = sm.stop_id
JOIN photos ph ON ph.id = sm.photo_id
WHERE s.tour_id = $2 AND ($1::boolean OR ph.review_state = 'published')
ORDER BY sm.stop_id, sm.position;

-- name: insertTour
-- $1 title zh, $2 title en, $3 summary zh, $4 summary en, $5 park id, $6 user id.
INSERT INTO tours (title_zh, title_en, summary_zh, summary_en, park_id, created_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: updateTour
-- $1 id; $2..$5 texts (NULL keeps), $6 set park (boolean), $7 park id. Any change of a published
-- tour takes it back to draft: the public never sees text a reviewer has not read.
UPDATE tours
SET title_zh = coalesce($2, title_zh), title_en = coalesce($3, title_en),
    summary_zh = coalesce($4, summary_zh), summary_en = coalesce($5, summary_en),
    park_id = CASE WHEN $6::boolean THEN $7::bigint ELSE park_id END,
    review_state = CASE WHEN review_state = 'published' THEN 'draft' ELSE review_state END,
    updated_at = now()
WHERE id = $1
RETURNING id;

-- name: touchTour
-- $1 id: a stop changed (same rule as updateTour).
UPDATE tours
SET review_state = CASE WHEN review_state = 'published' THEN 'draft' ELSE review_state END, updated_at = now()
WHERE id = $1
RETURNING id;

-- name: setTourState
-- $1 id, $2 state.
UPDATE tours SET review_state = $2, reviewed_at = now() WHERE id = $1 RETURNING id;

-- name: deleteTour
DELETE FROM tours WHERE id = $1 RETURNING id;

-- name: lockTour
-- $1 id: the tour row, locked for a stop change (positions are per tour).
SELECT id FROM tours WHERE id = $1 FOR UPDATE;

-- name: stopCount
SELECT count(*)::int AS n FROM tour_stops WHERE tour_id = $1;

-- name: shiftStops
-- $1 tour id, $2 first position to move one place down (make room for an insert).
UPDATE tour_stops SET position = position + 1 WHERE tour_id = $1 AND position >= $2;

-- name: insertStop
-- $1 tour id, $2 position, $3..$6 title zh/en, text zh/en, $7 lon, $8 lat, $9 zoom, $10 pitch, $11 bearing, $12 dwell s.
INSERT INTO tour_stops (tour_id, position, title_zh, title_en, text_zh, text_en, center, zoom, pitch, bearing, dwell_s)
VALUES ($1, $2, $3, $4, $5, $6, ST_SetSRID(ST_MakePoint($7, $8), 4326), $9, $10, $11, $12)
RETURNING id;

-- name: updateStop
-- $1 tour id, $2 stop id; NULL keeps a value.
UPDATE tour_stops
SET title_zh = coalesce($3, title_zh), title_en = coalesce($4, title_en),
    text_zh = coalesce($5, text_zh), text_en = coalesce($6, text_en),
    center = CASE WHEN $7::float8 IS NULL THEN center ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END,
    zoom = coalesce($9, zoom), pitch = coalesce($10, pitch), bearing = coalesce($11, bearing),
    dwell_s = coalesce($12, dwell_s), updated_at = now()
WHERE tour_id = $1 AND id = $2
RETURNING id;

-- name: deleteStop
DELETE FROM tour_stops WHERE tour_id = $1 AND id = $2 RETURNING id;

-- name: compactStops
-- $1 tour id: positions 0..n-1 in the current order (after a delete).
UPDATE tour_stops s SET position = r.rn - 1
FROM (SELECT id, row_number() OVER (ORDER BY position) AS rn FROM tour_stops WHERE tour_id = $1) r
WHERE s.id = r.id AND s.position <> r.rn - 1;

-- name: stopIds
SELECT id FROM tour_stops WHERE tour_id = $1 ORDER BY position;

-- name: reorderStops
-- $1 tour id, $2 every stop id of the tour in the new order.
UPDATE tour_stops s SET position = o.ord - 1, updated_at = now()
FROM unnest($2::bigint[]) WITH ORDINALITY AS o(id, ord)
WHERE s.tour_id = $1 AND s.id = o.id;

-- name: deleteStopCarriers
DELETE FROM tour_stop_carriers WHERE stop_id = $1;

-- name: insertStopCarriers
INSERT INTO tour_stop_carriers (stop_id, carrier_id, position)
SELECT $1, c.id, c.ord - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS c(id, ord);

-- name: deleteStopMedia
DELETE FROM tour_stop_media WHERE stop_id = $1;

-- name: insertStopMedia
INSERT INTO tour_stop_media (stop_id, photo_id, position)
SELECT $1, m.id, m.ord - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS m(id, ord);

-- name: existingCarrierIds
SELECT id FROM carriers WHERE id = ANY ($1::bigint[]);

-- name: existingPhotoIds
SELECT id FROM photos WHERE id = ANY ($1::bigint[]);

-- name: parkExists
SELECT id FROM parks WHERE id = $1;

-- name: parkForTour
-- $1 park id: the park, its extent, and the boundary point nearest the nearest highway exit
-- (where the access road arrives: the tour's "gate"), with that exit.
WITH p AS (SELECT * FROM parks WHERE id = $1),
exit AS (
  SELECT a.id, a.name, a.geom, a.geom_m FROM amenities a, p
  WHERE a.kind = 'highway_exit' AND a.review_state = 'published'
  ORDER BY a.geom_m <-> p.geom_m LIMIT 1
)
SELECT p.id, p.code, p.name_zh, p.name_en, p.intro_zh, p.intro_en, p.review_state,
       ST_XMin(p.geom) AS xmin, ST_YMin(p.geom) AS ymin, ST_XMax(p.geom) AS xmax, ST_YMax(p.geom) AS ymax,
       ST_X(ST_Transform(g.gate_m, 4326)) AS gate_lon, ST_Y(ST_Transform(g.gate_m, 4326)) AS gate_lat,
       exit.id AS exit_id, exit.name AS exit_name, ST_X(exit.geom) AS exit_lon, ST_Y(exit.geom) AS exit_lat,
       ST_Distance(g.gate_m, exit.geom_m) AS exit_distance_m
FROM p
LEFT JOIN exit ON true
LEFT JOIN LATERAL (
  SELECT CASE WHEN exit.geom_m IS NULL THEN ST_PointOnSurface(p.geom_m)
              ELSE ST_ClosestPoint(ST_Boundary(p.geom_m), exit.geom_m) END AS gate_m
) g ON true;

-- name: parkHighlights
-- $1 park id: published carriers worth a stop, best first per kind: the largest available
-- parcels, then available factories and offices (tallest first).
SELECT c.id, c.kind
FROM carriers c
WHERE c.park_id = $1 AND c.review_state = 'published' AND c.status = 'available'
ORDER BY c.kind, CASE WHEN c.kind = 'land' THEN c.area_m2 ELSE coalesce(c.floor_area_m2, c.area_m2) END DESC NULLS LAST, c.id;

-- name: carriersForTour
-- $1 carrier ids: what a generated stop needs to know about each.
SELECT c.id, c.kind, c.code, c.name, c.status, c.review_state, c.park_id, c.area_m2, c.floors, c.floor_area_m2,
       c.clear_height_m, c.floor_load_kn_m2, c.building_height_m, c.price, c.price_unit,
       ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat,
       ST_XMin(c.geom) AS xmin, ST_YMin(c.geom) AS ymin, ST_XMax(c.geom) AS xmax, ST_YMax(c.geom) AS ymax
FROM carriers c
WHERE c.id = ANY ($1::bigint[]);

-- name: nearestAmenities
-- $1 lon, $2 lat, $3 amenity kinds: the nearest published amenity of each kind (KNN on the metric column).
WITH o AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 4545) AS g)
SELECT k.kind, n.id, n.name, n.distance_m
FROM unnest($3::text[]) WITH ORDINALITY AS k(kind, ord)
CROSS JOIN o
CROSS JOIN LATERAL (
  SELECT a.id, a.name, ST_Distance(a.geom_m, o.g) AS distance_m
  FROM amenities a
  WHERE a.kind = k.kind AND a.review_state = 'published'
  ORDER BY a.geom_m <-> o.g
  LIMIT 1
) n
ORDER BY k.ord;

-- name: mediaInBox
-- $1..$4 bbox: photos and panoramas with a position there (staff picking media for a stop).
SELECT p.id, p.file_name AS name, p.is_panorama, p.heading, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.review_state
FROM photos p
WHERE p.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
ORDER BY p.is_panorama DESC, p.id
LIMIT 200;
