-- 022: the statistics dashboard's rollups (issue 14), so an answer after an edit (the cache of
-- server/stats/stats.cache.ts dropped) reads a few thousand rows instead of 200,000 carriers and
-- their change history.
--
-- - `stats_groups`: carriers counted and their land and floor areas summed per county × park ×
--   kind × status × published × land use × 标准地 class (status, available, land, parks and
--   counties figures).
-- - `stats_prices`: carriers counted per county × park × kind × status × published × price unit ×
--   price (price quartiles and histograms are computed from the counts, exactly as over the rows).
-- - `stats_inventory`: the monthly inventory as changes — for every state a carrier held (from its
--   change history, or as it is now since its creation month when it has none), +1 and its area in
--   the month the state began and −1 in the month it ended, per month × kind × park × county ×
--   status × published. The inventory at the end of month M is the sum of the changes up to M.
--   `stats_inventory_carrier` keeps each carrier's own changes, so a carrier's contribution can be
--   taken out and computed again when it or its history changes.
-- - `stats_photo_days`: each photo's survey day parsed once from its EXIF text (freshness parsed
--   every photo's `taken_at` with a regular expression at every request: ~0.75 s at 20,000 photos
--   on a loaded machine), kept by statement triggers on `photos`.
--
-- Exactness: counts are integers and areas are summed as numeric (each double's numeric value, an
-- exact sum in any order), so a rollup kept by additions and subtractions equals the same sums
-- computed from scratch, digit for digit (test/stats-fresh.test.ts checks both engines after
-- inserts, edits, publishes, deletes and imports). NULL county/park/land use are kept as '' / 0.
--
-- Write cost: statement triggers with transition tables on `carrier_facts` (written by 016's
-- triggers only when a dashboard column changed) and on `feature_history` append one grouped
-- delta row per group and the ids touched to two pending tables; a deferred trigger folds them
-- into the rollups once, when the transaction commits (one upsert per rollup, keys in order, under
-- a lock that only other commits' folds take, so concurrent writers never deadlock on a rollup row
-- and never count a carrier twice). A carrier's inventory contribution is recomputed from its own
-- history entries (index on layer, feature_id).

CREATE TABLE stats_groups (
  county_adcode text    NOT NULL,
  park_id       bigint  NOT NULL,
  kind          text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  land_use      text    NOT NULL,
  std_class     text    NOT NULL,
  n             bigint  NOT NULL,
  area_m2       numeric NOT NULL,
  floor_area_m2 numeric NOT NULL,
  PRIMARY KEY (county_adcode, park_id, kind, status, published, land_use, std_class)
) WITH (fillfactor = 70);

CREATE TABLE stats_prices (
  county_adcode text    NOT NULL,
  park_id       bigint  NOT NULL,
  kind          text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  price_unit    text    NOT NULL,
  price         double precision NOT NULL,
  n             bigint  NOT NULL,
  PRIMARY KEY (county_adcode, park_id, kind, status, published, price_unit, price)
) WITH (fillfactor = 70);

-- month: first day of the month (UTC) the change happens in; '-infinity' for a state held since before any record.
CREATE TABLE stats_inventory (
  month         date    NOT NULL,
  kind          text    NOT NULL,
  park_id       bigint  NOT NULL,
  county_adcode text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  n             bigint  NOT NULL,
  area_m2       numeric NOT NULL,
  PRIMARY KEY (kind, park_id, county_adcode, status, published, month)
) WITH (fillfactor = 70);

CREATE TABLE stats_inventory_carrier (
  id            bigint  NOT NULL,
  month         date    NOT NULL,
  kind          text    NOT NULL,
  park_id       bigint  NOT NULL,
  county_adcode text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  n             integer NOT NULL,
  area_m2       double precision
);
CREATE INDEX stats_inventory_carrier_id_idx ON stats_inventory_carrier (id);

-- The rollups are updated in place at every commit (room on each page for the new row versions).

-- Pending within the writing transaction, folded at its commit (always empty outside one).
CREATE TABLE stats_pending_facts (
  county_adcode text    NOT NULL,
  park_id       bigint  NOT NULL,
  kind          text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  land_use      text    NOT NULL,
  std_class     text    NOT NULL,
  price_unit    text,
  price         double precision,
  n             bigint  NOT NULL,
  area_m2       numeric NOT NULL,
  floor_area_m2 numeric NOT NULL
);
CREATE TABLE stats_pending_ids (id bigint NOT NULL);
CREATE TABLE stats_pending_marks (at timestamptz NOT NULL DEFAULT now());

-- 标准地 class of a land parcel by its investment intensity (万元/亩).
CREATE FUNCTION stats_std_class(intensity double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN intensity IS NULL THEN 'none' WHEN intensity < 200 THEN 'lt200' WHEN intensity < 300 THEN '200to300' ELSE 'ge300' END
$$;

-- First day (UTC) of the month of t.
CREATE FUNCTION stats_month(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('month', t AT TIME ZONE 'UTC')::date $$;

-- The inventory changes of the carriers `ids` (see above), from carrier_facts and feature_history as
-- they are now. The state just before each applied history entry takes each column from the
-- `before` of the first entry at or after it that changed the column (else the current value); the
-- state before an insert is "not there"; after the last entry the carrier is as it is now (nothing
-- when deleted); a carrier without history is as it is now from its creation month on.
CREATE FUNCTION stats_inventory_of(ids bigint[])
RETURNS TABLE (id bigint, month date, kind text, park_id bigint, county_adcode text, status text, published boolean, n integer, area_m2 double precision)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
WITH hist AS (
  -- One index probe per carrier (a `feature_id = ANY (ids)` filter was a sequential scan comparing
  -- every history entry with every id: 211 ms for 1,280 ids at 8,000 entries). Only what the
  -- states need is kept: the columns an entry's `before` holds (NULL: not changed), its area.
  SELECT i.id, h.id AS hid, h.at,
         COALESCE(h.before IS NULL AND h.after ? 'id', false) AS inserted,
         CASE WHEN h.before ? 'kind' THEN h.before ->> 'kind' END AS b_kind,
         CASE WHEN h.before ? 'status' THEN h.before ->> 'status' END AS b_status,
         CASE WHEN h.before ? 'review_state' THEN h.before ->> 'review_state' END AS b_review,
         h.before ? 'county_adcode' AS has_county, h.before ->> 'county_adcode' AS b_county,
         h.before ? 'park_id' AS has_park, (h.before ->> 'park_id')::bigint AS b_park,
         CASE WHEN h.before_geom IS NULL THEN NULL
              WHEN ST_XMin(h.before_geom) >= 106.5 AND ST_XMax(h.before_geom) <= 109.5 THEN ST_Area(ST_Transform(h.before_geom, 4545))
              ELSE ST_Area(h.before_geom::geography) END AS b_area,
         h.before_geom IS NOT NULL AS has_area
  FROM unnest(ids) i(id)
  CROSS JOIN LATERAL (
    SELECT h.id, h.at, h.before, h.after, h.before_geom FROM feature_history h
    WHERE h.layer IN ('land', 'factories', 'offices') AND h.feature_id = i.id::text AND h.applied
    OFFSET 0
  ) h
), states AS (
  -- Just before each entry, since the entry before it: each column from the first entry at or
  -- after it that changed the column (the first element of the values aggregated over the rows
  -- from it on, in time order), else as the carrier is now. One sort for all columns.
  SELECT h.id, lag(h.at) OVER w AS s, h.at AS e, NOT h.inserted AS present,
         COALESCE((array_agg(h.b_kind) FILTER (WHERE h.b_kind IS NOT NULL) OVER f)[1], c.kind) AS kind,
         COALESCE((array_agg(h.b_status) FILTER (WHERE h.b_status IS NOT NULL) OVER f)[1], c.status) AS status,
         COALESCE((array_agg(h.b_review) FILTER (WHERE h.b_review IS NOT NULL) OVER f)[1], c.review_state) AS review_state,
         CASE WHEN bool_or(h.has_county) OVER f THEN (array_agg(h.b_county) FILTER (WHERE h.has_county) OVER f)[1] ELSE c.county_adcode END AS county_adcode,
         CASE WHEN bool_or(h.has_park) OVER f THEN (array_agg(h.b_park) FILTER (WHERE h.has_park) OVER f)[1] ELSE c.park_id END AS park_id,
         CASE WHEN bool_or(h.has_area) OVER f THEN (array_agg(h.b_area) FILTER (WHERE h.has_area) OVER f)[1] ELSE c.area_m2 END AS area
  FROM hist h LEFT JOIN carrier_facts c ON c.id = h.id
  WINDOW w AS (PARTITION BY h.id ORDER BY h.at, h.hid),
         f AS (PARTITION BY h.id ORDER BY h.at, h.hid ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
  UNION ALL
  -- After the last entry: as the carrier is now (nothing when it was deleted).
  SELECT x.id, x.last_at, NULL, true, c.kind, c.status, c.review_state, c.county_adcode, c.park_id, c.area_m2
  FROM (SELECT hist.id, max(hist.at) AS last_at FROM hist GROUP BY hist.id) x JOIN carrier_facts c ON c.id = x.id
  UNION ALL
  -- Without history: as it is now, since its creation.
  SELECT c.id, c.created_at, NULL, true, c.kind, c.status, c.review_state, c.county_adcode, c.park_id, c.area_m2
  FROM carrier_facts c
  WHERE c.id = ANY (ids) AND NOT EXISTS (SELECT 1 FROM hist x WHERE x.id = c.id)
)
SELECT st.id, v.month, st.kind, COALESCE(st.park_id, 0), COALESCE(st.county_adcode, ''), st.status, st.review_state = 'published',
       v.sign, v.sign * st.area
FROM states st
CROSS JOIN LATERAL (VALUES (1, CASE WHEN st.s IS NULL THEN '-infinity'::date ELSE stats_month(st.s) END),
                           (-1, stats_month(st.e))) v(sign, month)
WHERE st.present AND v.month IS NOT NULL AND st.kind IS NOT NULL AND st.status IS NOT NULL AND st.review_state IS NOT NULL
$$;

-- Statement triggers on carrier_facts: grouped deltas and the ids whose inventory may have changed.
CREATE FUNCTION stats_facts_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  queued boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_pending_facts
    SELECT COALESCE(n.county_adcode, ''), COALESCE(n.park_id, 0), n.kind, n.status, n.review_state = 'published', COALESCE(n.land_use, ''),
           stats_std_class(n.intensity), n.price_unit, n.price, count(*), COALESCE(sum(n.area_m2::numeric), 0), COALESCE(sum(n.floor_area_m2::numeric), 0)
    FROM new_rows n GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    queued := FOUND;
    INSERT INTO stats_pending_ids SELECT n.id FROM new_rows n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stats_pending_facts
    SELECT COALESCE(o.county_adcode, ''), COALESCE(o.park_id, 0), o.kind, o.status, o.review_state = 'published', COALESCE(o.land_use, ''),
           stats_std_class(o.intensity), o.price_unit, o.price, -count(*), -COALESCE(sum(o.area_m2::numeric), 0), -COALESCE(sum(o.floor_area_m2::numeric), 0)
    FROM old_rows o GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    queued := FOUND;
    INSERT INTO stats_pending_ids SELECT o.id FROM old_rows o;
  ELSE
    INSERT INTO stats_pending_facts
    SELECT x.county_adcode, x.park_id, x.kind, x.status, x.published, x.land_use, x.std_class, x.price_unit, x.price,
           sum(x.sign), sum(x.sign * x.area), sum(x.sign * x.floor)
    FROM (
      SELECT 1 AS sign, COALESCE(n.county_adcode, '') AS county_adcode, COALESCE(n.park_id, 0) AS park_id, n.kind, n.status,
             n.review_state = 'published' AS published, COALESCE(n.land_use, '') AS land_use, stats_std_class(n.intensity) AS std_class,
             n.price_unit, n.price, COALESCE(n.area_m2::numeric, 0) AS area, COALESCE(n.floor_area_m2::numeric, 0) AS floor
      FROM new_rows n
      UNION ALL
      SELECT -1, COALESCE(o.county_adcode, ''), COALESCE(o.park_id, 0), o.kind, o.status, o.review_state = 'published', COALESCE(o.land_use, ''),
             stats_std_class(o.intensity), o.price_unit, o.price, COALESCE(o.area_m2::numeric, 0), COALESCE(o.floor_area_m2::numeric, 0)
      FROM old_rows o
    ) x
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    HAVING sum(x.sign) <> 0 OR sum(x.sign * x.area) <> 0 OR sum(x.sign * x.floor) <> 0;
    queued := FOUND;
    -- The rows whose inventory columns changed (EXCEPT: hashed or sorted; the transition tables have
    -- no statistics, and a join of new and old rows was planned as a nested loop: 1,280² comparisons).
    INSERT INTO stats_pending_ids
    SELECT x.id FROM (
      SELECT n.id, n.kind, n.status, n.review_state, n.county_adcode, n.park_id, n.area_m2, n.created_at FROM new_rows n
      EXCEPT
      SELECT o.id, o.kind, o.status, o.review_state, o.county_adcode, o.park_id, o.area_m2, o.created_at FROM old_rows o
    ) x;
  END IF;
  queued := queued OR FOUND;
  -- A statement that changed nothing (a restore's TRUNCATE empties carrier_facts with a DELETE)
  -- leaves no trigger event behind: a restore then disables the pending tables' triggers.
  IF queued THEN
    INSERT INTO stats_pending_marks SELECT WHERE NOT EXISTS (SELECT 1 FROM stats_pending_marks);
  END IF;
  RETURN NULL;
END
$$;

-- Applied history entries of carriers change their inventory. feature_history is append-only, but
-- the demo seed replaces its import's entries with the guard off, so deletions count too.
CREATE FUNCTION stats_history_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_pending_ids
    SELECT DISTINCT n.feature_id::bigint FROM new_rows n
    WHERE n.applied AND n.layer IN ('land', 'factories', 'offices') AND n.feature_id ~ '^[0-9]{1,18}$';
  ELSE
    INSERT INTO stats_pending_ids
    SELECT DISTINCT o.feature_id::bigint FROM old_rows o
    WHERE o.applied AND o.layer IN ('land', 'factories', 'offices') AND o.feature_id ~ '^[0-9]{1,18}$';
  END IF;
  IF FOUND THEN
    INSERT INTO stats_pending_marks SELECT WHERE NOT EXISTS (SELECT 1 FROM stats_pending_marks);
  END IF;
  RETURN NULL;
END
$$;

-- A truncated history (a restore): every carrier's inventory is computed again at commit.
CREATE FUNCTION stats_history_truncated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- Nothing when carriers were truncated in the same statement (a restore, which then loads the rollups).
  INSERT INTO stats_pending_ids SELECT id FROM carrier_facts UNION SELECT DISTINCT id FROM stats_inventory_carrier;
  IF FOUND THEN
    INSERT INTO stats_pending_marks SELECT WHERE NOT EXISTS (SELECT 1 FROM stats_pending_marks);
  END IF;
  RETURN NULL;
END
$$;

-- At commit: the pending deltas and ids folded into the rollups, once per transaction.
CREATE FUNCTION stats_rollups_fold() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  ids bigint[];
BEGIN
  DELETE FROM stats_pending_marks;
  IF NOT FOUND THEN
    RETURN NULL; -- an earlier firing in this transaction folded everything
  END IF;
  -- One fold at a time (other commits' folds only): a carrier's contribution is replaced by the
  -- newest committed state, never twice; rollup rows are locked in one order.
  LOCK TABLE stats_inventory_carrier IN SHARE ROW EXCLUSIVE MODE;

  INSERT INTO stats_groups AS g (county_adcode, park_id, kind, status, published, land_use, std_class, n, area_m2, floor_area_m2)
  SELECT county_adcode, park_id, kind, status, published, land_use, std_class, sum(n), sum(area_m2), sum(floor_area_m2)
  FROM stats_pending_facts GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (county_adcode, park_id, kind, status, published, land_use, std_class) DO UPDATE
    SET n = g.n + EXCLUDED.n, area_m2 = g.area_m2 + EXCLUDED.area_m2, floor_area_m2 = g.floor_area_m2 + EXCLUDED.floor_area_m2;
  DELETE FROM stats_groups WHERE n = 0;

  INSERT INTO stats_prices AS g (county_adcode, park_id, kind, status, published, price_unit, price, n)
  SELECT county_adcode, park_id, kind, status, published, price_unit, price, sum(n)
  FROM stats_pending_facts WHERE price_unit IS NOT NULL AND price IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (county_adcode, park_id, kind, status, published, price_unit, price) DO UPDATE SET n = g.n + EXCLUDED.n;
  DELETE FROM stats_prices WHERE n = 0;
  DELETE FROM stats_pending_facts;

  WITH d AS (DELETE FROM stats_pending_ids RETURNING id) SELECT array_agg(DISTINCT id) INTO ids FROM d;
  IF ids IS NOT NULL THEN
    WITH o AS MATERIALIZED (
      -- One index probe per carrier (OFFSET 0: never a join over the whole table — `id = ANY (ids)`
      -- was a sequential scan and a join on unnest(ids) a merge join along the whole index, ~400 ms
      -- at 216,000 rows), then deleted by tuple id.
      SELECT s.tid FROM unnest(ids) i(id)
      CROSS JOIN LATERAL (SELECT s.ctid AS tid FROM stats_inventory_carrier s WHERE s.id = i.id OFFSET 0) s
    ), old AS (
      DELETE FROM stats_inventory_carrier s WHERE s.ctid = ANY (ARRAY(SELECT o.tid FROM o))
      RETURNING s.month, s.kind, s.park_id, s.county_adcode, s.status, s.published, -s.n AS n, -(s.area_m2::numeric) AS area_m2
    ), new AS (
      INSERT INTO stats_inventory_carrier SELECT * FROM stats_inventory_of(ids)
      RETURNING month, kind, park_id, county_adcode, status, published, n, area_m2::numeric AS area_m2
    ), d AS (
      SELECT kind, park_id, county_adcode, status, published, month, sum(n) AS n, COALESCE(sum(area_m2), 0) AS area_m2
      FROM (SELECT * FROM old UNION ALL SELECT * FROM new) x
      GROUP BY 1, 2, 3, 4, 5, 6
    )
    INSERT INTO stats_inventory AS t (kind, park_id, county_adcode, status, published, month, n, area_m2)
    SELECT * FROM d WHERE n <> 0 OR area_m2 <> 0 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (kind, park_id, county_adcode, status, published, month) DO UPDATE
      SET n = t.n + EXCLUDED.n, area_m2 = t.area_m2 + EXCLUDED.area_m2;
    DELETE FROM stats_inventory WHERE n = 0 AND area_m2 = 0;
  END IF;
  RETURN NULL;
END
$$;

-- Existing rows (a database from before this migration).
INSERT INTO stats_groups (county_adcode, park_id, kind, status, published, land_use, std_class, n, area_m2, floor_area_m2)
SELECT COALESCE(county_adcode, ''), COALESCE(park_id, 0), kind, status, review_state = 'published', COALESCE(land_use, ''), stats_std_class(intensity),
       count(*), COALESCE(sum(area_m2::numeric), 0), COALESCE(sum(floor_area_m2::numeric), 0)
FROM carrier_facts GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO stats_prices (county_adcode, park_id, kind, status, published, price_unit, price, n)
SELECT COALESCE(county_adcode, ''), COALESCE(park_id, 0), kind, status, review_state = 'published', price_unit, price, count(*)
FROM carrier_facts WHERE price_unit IS NOT NULL AND price IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO stats_inventory_carrier
SELECT * FROM stats_inventory_of(ARRAY(
  SELECT id FROM carrier_facts
  UNION SELECT feature_id::bigint FROM feature_history
        WHERE applied AND layer IN ('land', 'factories', 'offices') AND feature_id ~ '^[0-9]{1,18}$'));
INSERT INTO stats_inventory (kind, park_id, county_adcode, status, published, month, n, area_m2)
SELECT kind, park_id, county_adcode, status, published, month, sum(n), COALESCE(sum(area_m2::numeric), 0)
FROM stats_inventory_carrier GROUP BY 1, 2, 3, 4, 5, 6
HAVING sum(n) <> 0 OR COALESCE(sum(area_m2::numeric), 0) <> 0;

ANALYZE stats_groups, stats_prices, stats_inventory, stats_inventory_carrier;

CREATE TRIGGER carrier_facts_stats_ins AFTER INSERT ON carrier_facts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_facts_changed();
CREATE TRIGGER carrier_facts_stats_upd AFTER UPDATE ON carrier_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_facts_changed();
CREATE TRIGGER carrier_facts_stats_del AFTER DELETE ON carrier_facts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_facts_changed();
CREATE TRIGGER feature_history_stats_ins AFTER INSERT ON feature_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_history_changed();
CREATE TRIGGER feature_history_stats_del AFTER DELETE ON feature_history
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_history_changed();
CREATE TRIGGER feature_history_stats_trunc AFTER TRUNCATE ON feature_history
  FOR EACH STATEMENT EXECUTE FUNCTION stats_history_truncated();
CREATE CONSTRAINT TRIGGER stats_pending_fold AFTER INSERT ON stats_pending_marks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_rollups_fold();

-- Photos' survey days.
CREATE TABLE stats_photo_days (
  photo_id   bigint  PRIMARY KEY,
  carrier_id bigint,
  day        date    NOT NULL,
  published  boolean NOT NULL,
  spatial    boolean NOT NULL  -- a footprint, or a panorama with a position: matched to carriers by place
);
CREATE INDEX stats_photo_days_day_idx ON stats_photo_days (day);

-- The day of an EXIF-style time ('2024:05:06 10:00:00' or '2024-05-06…'), as freshness always read
-- it; NULL when there is none or it is no date (a photo is never refused for it).
CREATE FUNCTION stats_photo_day(taken_at text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF taken_at IS NULL OR taken_at !~ '^\d{4}[:-]\d{2}[:-]\d{2}' THEN
    RETURN NULL;
  END IF;
  RETURN to_date(substring(taken_at from '^(\d{4}[:-]\d{2}[:-]\d{2})'), 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;

CREATE FUNCTION stats_photos_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM stats_photo_days d USING old_rows o WHERE d.photo_id = o.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO stats_photo_days (photo_id, carrier_id, day, published, spatial)
    SELECT x.id, x.carrier_id, x.day, x.review_state = 'published', x.footprint IS NOT NULL OR (x.is_panorama AND x.geom IS NOT NULL)
    FROM (SELECT n.*, stats_photo_day(n.taken_at) AS day FROM new_rows n) x
    WHERE x.day IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;
CREATE FUNCTION stats_photos_truncated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM stats_photo_days;
  RETURN NULL;
END
$$;

INSERT INTO stats_photo_days (photo_id, carrier_id, day, published, spatial)
SELECT x.id, x.carrier_id, x.day, x.review_state = 'published', x.footprint IS NOT NULL OR (x.is_panorama AND x.geom IS NOT NULL)
FROM (SELECT p.*, stats_photo_day(p.taken_at) AS day FROM photos p) x
WHERE x.day IS NOT NULL;

CREATE TRIGGER photos_stats_ins AFTER INSERT ON photos
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_photos_changed();
CREATE TRIGGER photos_stats_upd AFTER UPDATE ON photos
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_photos_changed();
CREATE TRIGGER photos_stats_del AFTER DELETE ON photos
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_photos_changed();
CREATE TRIGGER photos_stats_trunc AFTER TRUNCATE ON photos
  FOR EACH STATEMENT EXECUTE FUNCTION stats_photos_truncated();

-- historyStart (the oldest creation and history entry) and freshness (the edits and status dates
-- of the last 12 months) by index.
CREATE INDEX carrier_facts_created_idx ON carrier_facts (created_at);
CREATE INDEX carrier_facts_status_date_idx ON carrier_facts (status_date) WHERE status_date IS NOT NULL;
CREATE INDEX feature_history_at_idx ON feature_history (at);
