-- Upkeep of `carrier_nearest` (migration 007) by the background worker (nearest.worker.ts).
-- Every statement is set-based; the worker runs each step in its own short transaction that first
-- takes the advisory lock below, so the workers of several servers never interleave their steps.

-- name: lock
-- $1 advisory lock key: one refresh step at a time across every server on this database.
SELECT pg_advisory_xact_lock($1::bigint);

-- name: amenityChanges
-- Pending amenity changes of the kind with the oldest one; $1 most to take at once.
SELECT id, kind
FROM amenity_nearest_changes
WHERE kind = (SELECT kind FROM amenity_nearest_changes ORDER BY id LIMIT 1)
ORDER BY id
LIMIT $1;

-- name: affectedCarriers
-- Carriers whose stored distance to kind $1 may be wrong after the changes $2 (positions where a
-- published amenity appeared or disappeared): those that had none of the kind, and those at most
-- their stored distance (+1 cm for its rounding) from a changed position. Anything else keeps its
-- nearest amenity: it still exists, and nothing new came closer. The radius bound lets the
-- carriers' GiST index find them.
WITH p AS (
  SELECT geom_m FROM amenity_nearest_changes WHERE id = ANY ($2::bigint[])
), r AS (
  SELECT max(n.distance_m[amenity_kind_ordinal($1)]) + 0.01 AS radius FROM carrier_nearest n
)
SELECT n.carrier_id AS id
FROM carrier_nearest n
WHERE n.distance_m[amenity_kind_ordinal($1)] IS NULL
UNION
SELECT c.id
FROM p
CROSS JOIN r
JOIN carriers c ON ST_DWithin(c.geom_m, p.geom_m, r.radius)
JOIN carrier_nearest n ON n.carrier_id = c.id
WHERE ST_Distance(c.geom_m, p.geom_m) <= n.distance_m[amenity_kind_ordinal($1)] + 0.01
ORDER BY 1;

-- name: refreshKind
-- Measure kind $1 again for the carriers $2. Only updates existing rows: a row deleted meanwhile
-- (its carrier's geometry changed) stays deleted, to be rebuilt from the new geometry.
UPDATE carrier_nearest n
SET distance_m[amenity_kind_ordinal($1)] = m.distance_m
FROM carriers c
LEFT JOIN LATERAL nearest_amenity(c.geom_m, $1) m ON true
WHERE c.id = n.carrier_id AND n.carrier_id = ANY ($2::bigint[]);

-- name: deleteAmenityChanges
DELETE FROM amenity_nearest_changes WHERE id = ANY ($1::bigint[]);

-- name: nextRange
-- The oldest carrier id range still to look at.
SELECT id, lo, hi, coalesce(next_id, lo) AS next_id FROM carrier_nearest_todo ORDER BY id LIMIT 1;

-- name: missingInRange
-- $1..$2 id range, $3 most: carriers without a row, in id order.
SELECT c.id
FROM carriers c
WHERE c.id BETWEEN $1 AND $2
  AND NOT EXISTS (SELECT 1 FROM carrier_nearest n WHERE n.carrier_id = c.id)
ORDER BY c.id
LIMIT $3;

-- name: lockCarriers
-- Share-lock the carriers $1 while their rows are built, so a concurrent geometry update waits for
-- this step and its trigger then deletes the new rows. Never waits itself (SKIP LOCKED): a carrier
-- being written right now is skipped and queued again.
SELECT id FROM carriers WHERE id = ANY ($1::bigint[]) ORDER BY id FOR SHARE SKIP LOCKED;

-- name: buildRows
-- The full row of each carrier $1: one probe per amenity kind, in slot order.
INSERT INTO carrier_nearest (carrier_id, distance_m)
SELECT c.id,
       ARRAY(SELECT m.distance_m
             FROM unnest(amenity_kinds()) WITH ORDINALITY AS k(kind, i)
             LEFT JOIN LATERAL nearest_amenity(c.geom_m, k.kind) m ON true
             ORDER BY k.i)
FROM carriers c
WHERE c.id = ANY ($1::bigint[])
ON CONFLICT (carrier_id) DO NOTHING;

-- name: queueRange
-- $1..$2: look at these carrier ids again later.
INSERT INTO carrier_nearest_todo (lo, hi) VALUES ($1, $2);

-- name: advanceRange
-- $1 range id, $2 first id not yet looked at.
UPDATE carrier_nearest_todo SET next_id = $2 WHERE id = $1;

-- name: finishRange
-- $1 range id, $2..$3 its ids: drop rows of carriers deleted since, and the range itself.
WITH gone AS (
  DELETE FROM carrier_nearest n
  WHERE n.carrier_id BETWEEN $2 AND $3
    AND NOT EXISTS (SELECT 1 FROM carriers c WHERE c.id = n.carrier_id)
)
DELETE FROM carrier_nearest_todo WHERE id = $1;

-- name: queueAll
-- Look at every carrier once (at start: a row missed by any path gets built).
INSERT INTO carrier_nearest_todo (lo, hi)
SELECT least(min(c.id), (SELECT min(carrier_id) FROM carrier_nearest)),
       greatest(max(c.id), (SELECT max(carrier_id) FROM carrier_nearest))
FROM carriers c
HAVING count(*) > 0;

-- name: pending
-- Work left: carrier ranges and amenity changes.
SELECT (SELECT count(*) FROM carrier_nearest_todo)::int AS ranges,
       (SELECT count(*) FROM amenity_nearest_changes)::int AS amenity_changes;
