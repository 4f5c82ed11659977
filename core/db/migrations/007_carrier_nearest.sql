-- 007: stored nearest amenities for site selection.
--
-- A brief used to run one KNN probe per candidate and measured amenity kind (about 40 µs each, up
-- to 44,000 probes per brief on 200k parcels). `carrier_nearest` keeps, per carrier, the distance
-- to the nearest published amenity of every kind, computed with the same indexed KNN probe
-- (`nearest_amenity`), so a brief reads them with one index join.
--
-- Keeping it current must not slow imports, so nothing here measures a distance inside a trigger:
-- statement-level triggers only mark work (an id range per carrier statement, the old and new
-- position per changed published amenity) and the server's background worker
-- (server/selection/nearest.worker.ts) refreshes in set-based batches. Until it has, the selection
-- query measures live whatever is not known to be current, so answers are always exact:
--   * a carrier without a row (new, or its geometry changed: the update trigger deletes the row)
--     is measured live;
--   * an amenity kind with a pending change in `amenity_nearest_changes` is measured live for
--     every candidate.

-- The 16 amenity kinds in the order of their slots in `carrier_nearest.distance_m` (slot i holds
-- the kind whose `amenity_kind_ordinal` is i; checked below against migration 004's offsets).
CREATE FUNCTION amenity_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY['school', 'hospital', 'pharmacy', 'bank', 'bus_stop', 'rail_station', 'highway_exit', 'hotel',
               'restaurant', 'mall', 'scenic', 'gas_station', 'police', 'post_office', 'government', 'logistics']
$$;

-- Slot of an amenity kind in `carrier_nearest.distance_m` (1..16).
CREATE FUNCTION amenity_kind_ordinal(kind text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (amenity_kind_offset(kind) / 2e7)::integer
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(amenity_kinds()) WITH ORDINALITY AS k(kind, i) WHERE amenity_kind_ordinal(k.kind) <> k.i) THEN
    RAISE EXCEPTION 'amenity_kinds() is out of step with amenity_kind_offset()';
  END IF;
END
$$;

-- THE distance of site selection: metres in EPSG:4545 from `g` (a carrier's geom_m; 0 inside) to
-- the nearest published amenity of `kind`, rounded to the centimetre; no row when there is none.
-- One KNN probe on the per-kind translated index of migration 004 (amenities_kind_knn_idx). A
-- set-returning SQL function so that `LATERAL nearest_amenity(…)` is inlined into the caller's
-- plan (a scalar SQL function would pay an executor start per call, about half the probe again).
CREATE FUNCTION nearest_amenity(g geometry, kind text) RETURNS TABLE (distance_m float8)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 AS $$
  SELECT round(ST_Distance(a.geom_m, g)::numeric, 2)::float8
  FROM amenities a
  WHERE a.kind = nearest_amenity.kind AND a.review_state = 'published'
  ORDER BY ST_Translate(a.geom_m, amenity_kind_offset(a.kind), 0) <-> ST_Translate(g, amenity_kind_offset(nearest_amenity.kind), 0)
  LIMIT 1
$$;

-- Per carrier (any review state, so publishing needs no refresh): distance_m[amenity_kind_ordinal(k)]
-- = nearest_amenity(geom_m, k), NULL when no published amenity of kind k exists. No foreign key:
-- a row of a deleted carrier is never read (queries start from carriers) and the worker removes it.
CREATE TABLE carrier_nearest (
  carrier_id bigint PRIMARY KEY,
  distance_m float8[] NOT NULL
);

-- Carrier id ranges the worker must look at: build missing rows, drop rows of deleted carriers.
-- `next_id`: where the worker got to (NULL: nowhere yet).
CREATE TABLE carrier_nearest_todo (
  id      bigserial PRIMARY KEY,
  lo      bigint NOT NULL,
  hi      bigint NOT NULL,
  next_id bigint
);

-- Positions where a published amenity appeared or disappeared (insert, delete, move, kind change,
-- publish, unpublish), not yet applied to carrier_nearest. While a kind has a row here, selection
-- measures that kind live.
CREATE TABLE amenity_nearest_changes (
  id     bigserial PRIMARY KEY,
  kind   text NOT NULL,
  geom_m geometry(Point, 4545) NOT NULL
);

CREATE FUNCTION carrier_nearest_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO carrier_nearest_todo (lo, hi) SELECT min(n.id), max(n.id) FROM new_rows n HAVING count(*) > 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO carrier_nearest_todo (lo, hi) SELECT min(o.id), max(o.id) FROM old_rows o HAVING count(*) > 0;
  ELSE
    -- Only a changed geometry invalidates a row (publishing or editing attributes does not).
    WITH moved AS (
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.geom IS DISTINCT FROM o.geom
    ), dropped AS (
      DELETE FROM carrier_nearest c USING moved m WHERE c.carrier_id = m.id
    )
    INSERT INTO carrier_nearest_todo (lo, hi) SELECT min(m.id), max(m.id) FROM moved m HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION amenity_nearest_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO amenity_nearest_changes (kind, geom_m)
    SELECT n.kind, n.geom_m FROM new_rows n WHERE n.review_state = 'published';
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO amenity_nearest_changes (kind, geom_m)
    SELECT o.kind, o.geom_m FROM old_rows o WHERE o.review_state = 'published';
  ELSE
    -- A published amenity that is still published, of the same kind, at the same place: no change.
    INSERT INTO amenity_nearest_changes (kind, geom_m)
    SELECT o.kind, o.geom_m FROM old_rows o
    WHERE o.review_state = 'published' AND NOT EXISTS (
      SELECT 1 FROM new_rows n
      WHERE n.id = o.id AND n.review_state = 'published' AND n.kind = o.kind AND n.geom_m = o.geom_m)
    UNION ALL
    SELECT n.kind, n.geom_m FROM new_rows n
    WHERE n.review_state = 'published' AND NOT EXISTS (
      SELECT 1 FROM old_rows o
      WHERE o.id = n.id AND o.review_state = 'published' AND o.kind = n.kind AND o.geom_m = n.geom_m);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER carriers_nearest_ins AFTER INSERT ON carriers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carrier_nearest_mark();
CREATE TRIGGER carriers_nearest_upd AFTER UPDATE ON carriers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carrier_nearest_mark();
CREATE TRIGGER carriers_nearest_del AFTER DELETE ON carriers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carrier_nearest_mark();
CREATE TRIGGER amenities_nearest_ins AFTER INSERT ON amenities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION amenity_nearest_mark();
CREATE TRIGGER amenities_nearest_upd AFTER UPDATE ON amenities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION amenity_nearest_mark();
CREATE TRIGGER amenities_nearest_del AFTER DELETE ON amenities REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION amenity_nearest_mark();

-- Every carrier that exists now still needs its row.
INSERT INTO carrier_nearest_todo (lo, hi) SELECT min(id), max(id) FROM carriers HAVING count(*) > 0;
