-- 023: the statistics dashboard's "last surveyed" rollup (issue 14), so data freshness reads one
-- index range of carriers instead of joining the photos, the history and the status dates of the
-- 12 months before `to` to the carriers at every request (bench:stats, 200,000 carriers: the one
-- endpoint over p95 100 ms; ~23,000 carriers with evidence, a primary-key probe and spatial joins each).
--
-- Freshness evidence of a carrier (unchanged, as stats.sql's `freshness` always counted it): a photo
-- showing it — linked at import (`carrier_id`), its footprint overlapping the carrier, or a panorama
-- within 150 m of it (EPSG:4545) — on the photo's survey day (stats_photo_days, 022; the public
-- counts published photos only); an applied, non-delete change in its history, on its day (UTC);
-- its status date.
--
-- - `stats_survey_days`: per carrier × evidence day, whether some evidence of that day is one the
--   public sees. Read only for carriers with evidence after the day asked for (a photo with a later
--   date does not hide an earlier one), one index probe each.
-- - `stats_survey_carrier`: per carrier with any evidence, its filter columns (county '' / park 0
--   when none, kind, status, published) and the days of its latest evidence (`last_all`) and latest
--   public evidence (`last_public`). A carrier's last evidence by day D lies within n months of D iff
--   its latest evidence does, or (latest after D) the last of its days up to D does — so freshness
--   at D reads the carriers whose latest day is in D's 12 months (an index-only range scan) plus the
--   few whose latest day is after D.
--
-- Kept true by statement triggers (transition tables) that note what may have changed, and a
-- deferred trigger that recomputes the touched carriers once per transaction, at commit, from the
-- sources as they are then (`stats_survey_of`):
-- - carrier_facts inserted / deleted / changed in kind, county, park, status, review state or status
--   date (016 writes it from `carriers`; a carrier's delete or a TRUNCATE of carriers too);
-- - a carrier's outline changed (which photos' footprints and panoramas cover it);
-- - photos added, deleted or changed in carrier link, survey time, review state, footprint,
--   position or panorama flag: their old and new links and shapes are noted, and the carriers they
--   cover are looked up at commit, after the lock below — so an outline committed meanwhile by
--   another transaction is seen (a photo deleted here whose footprint another transaction's
--   committed move brought over a carrier still recomputes that carrier);
-- - history entries added or deleted (the demo seed replaces its import's entries); TRUNCATE of
--   photos or history recomputes every carrier with evidence.
-- The fold takes the lock 022's folds take (stats_inventory_carrier, SHARE ROW EXCLUSIVE: folds
-- only), so folds run one at a time in one lock order, and each sees the other commits before it.
-- A restore (core/db/backup.ts) truncates every table in one statement (nothing is left to
-- recompute then) and copies these tables back with the others.

CREATE TABLE stats_survey_days (
  carrier_id bigint  NOT NULL,
  day        date    NOT NULL,
  public     boolean NOT NULL,  -- some evidence of that day the public sees (a published photo, an edit, the status date)
  PRIMARY KEY (carrier_id, day)
);

CREATE TABLE stats_survey_carrier (
  id            bigint  PRIMARY KEY,
  county_adcode text    NOT NULL,
  park_id       bigint  NOT NULL,
  kind          text    NOT NULL,
  status        text    NOT NULL,
  published     boolean NOT NULL,
  last_all      date    NOT NULL,
  last_public   date              -- NULL: no evidence the public sees
) WITH (fillfactor = 90);
-- Index-only range scans by the latest day, with the filter columns (staff, and the public).
CREATE INDEX stats_survey_carrier_all_idx ON stats_survey_carrier (last_all) INCLUDE (county_adcode, park_id, kind, status, published);
CREATE INDEX stats_survey_carrier_public_idx ON stats_survey_carrier (last_public) INCLUDE (county_adcode, park_id, kind, status)
  WHERE published AND last_public IS NOT NULL;

-- Pending within the writing transaction, folded at its commit (always empty outside one).
CREATE TABLE stats_survey_pending_ids (id bigint NOT NULL);
-- A photo's link and shapes as they were or are (pano: the position of a panorama).
CREATE TABLE stats_survey_pending_photos (carrier_id bigint, footprint geometry(Polygon, 4326), pano geometry(Point, 4326));
CREATE TABLE stats_survey_pending_marks (at timestamptz NOT NULL DEFAULT now());

-- Carriers looked up from a panorama's position: only panoramas (most photos are not).
CREATE INDEX photos_panorama_geom_idx ON photos USING gist (geom) WHERE is_panorama;

-- The evidence days of the carriers `ids` (those that exist), from the photos, the history and the
-- status dates as they are now. One index probe per carrier and source (OFFSET 0 keeps each
-- lateral subquery on its index). Panoramas: a bounding-box probe 0.01° around the outline
-- (≥ 950 m in Dazhou; 150 m in EPSG:4545 is far inside it), then the distance as freshness measures it.
CREATE FUNCTION stats_survey_of(ids bigint[])
RETURNS TABLE (carrier_id bigint, day date, public boolean)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
WITH c AS MATERIALIZED (
  SELECT k.id, k.geom, k.geom_m, k.status_date
  FROM (SELECT DISTINCT u.id FROM unnest(ids) u(id)) i
  CROSS JOIN LATERAL (SELECT k.id, k.geom, k.geom_m, k.status_date FROM carriers k WHERE k.id = i.id OFFSET 0) k
), ev AS (
  SELECT c.id, d.day, d.published AS public
  FROM c CROSS JOIN LATERAL (SELECT p.id FROM photos p WHERE p.carrier_id = c.id OFFSET 0) p
  JOIN stats_photo_days d ON d.photo_id = p.id
  UNION ALL
  SELECT c.id, d.day, d.published
  FROM c CROSS JOIN LATERAL (SELECT p.id FROM photos p WHERE ST_Intersects(p.footprint, c.geom) OFFSET 0) p
  JOIN stats_photo_days d ON d.photo_id = p.id
  UNION ALL
  SELECT c.id, d.day, d.published
  FROM c CROSS JOIN LATERAL (
    SELECT p.id FROM photos p
    WHERE p.is_panorama AND p.geom && ST_Expand(c.geom, 0.01) AND ST_DWithin(ST_Transform(p.geom, 4545), c.geom_m, 150)
    OFFSET 0
  ) p
  JOIN stats_photo_days d ON d.photo_id = p.id
  UNION ALL
  SELECT c.id, (h.at AT TIME ZONE 'UTC')::date, true
  FROM c CROSS JOIN LATERAL (
    SELECT h.at FROM feature_history h
    WHERE h.layer IN ('land', 'factories', 'offices') AND h.feature_id = c.id::text AND h.applied AND h.action <> 'delete'
    OFFSET 0
  ) h
  UNION ALL
  SELECT c.id, c.status_date, true FROM c WHERE c.status_date IS NOT NULL
)
SELECT ev.id, ev.day, bool_or(ev.public) FROM ev GROUP BY 1, 2
$$;

-- Marks the transaction for a fold at commit (once).
CREATE FUNCTION stats_survey_mark() RETURNS void
LANGUAGE sql SET search_path FROM CURRENT AS $$
  INSERT INTO stats_survey_pending_marks SELECT WHERE NOT EXISTS (SELECT 1 FROM stats_survey_pending_marks)
$$;

-- carrier_facts (one row per carrier, 016): new and deleted carriers, and those whose filter
-- columns or status date changed (EXCEPT: hashed, never a nested loop over the transition tables).
CREATE FUNCTION stats_survey_facts_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_survey_pending_ids SELECT n.id FROM new_rows n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stats_survey_pending_ids SELECT o.id FROM old_rows o;
  ELSE
    INSERT INTO stats_survey_pending_ids
    SELECT x.id FROM (
      SELECT n.id, n.kind, n.county_adcode, n.park_id, n.status, n.review_state, n.status_date FROM new_rows n
      EXCEPT
      SELECT o.id, o.kind, o.county_adcode, o.park_id, o.status, o.review_state, o.status_date FROM old_rows o
    ) x;
  END IF;
  IF FOUND THEN
    PERFORM stats_survey_mark();
  END IF;
  RETURN NULL;
END
$$;

-- carriers: outlines changed (the photos covering them may differ).
CREATE FUNCTION stats_survey_outlines_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO stats_survey_pending_ids
  SELECT x.id FROM (
    SELECT n.id, ST_AsEWKB(n.geom) AS g FROM new_rows n
    EXCEPT
    SELECT o.id, ST_AsEWKB(o.geom) FROM old_rows o
  ) x;
  IF FOUND THEN
    PERFORM stats_survey_mark();
  END IF;
  RETURN NULL;
END
$$;

-- photos: the links and shapes of photos with a survey date that were added, deleted or changed
-- in anything freshness reads (an update notes the row as it was and as it is).
CREATE FUNCTION stats_survey_photos_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_survey_pending_photos
    SELECT n.carrier_id, n.footprint, CASE WHEN n.is_panorama THEN n.geom END FROM new_rows n
    WHERE n.taken_at ~ '^\d{4}[:-]\d{2}[:-]\d{2}' AND (n.carrier_id IS NOT NULL OR n.footprint IS NOT NULL OR (n.is_panorama AND n.geom IS NOT NULL));
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO stats_survey_pending_photos
    SELECT o.carrier_id, o.footprint, CASE WHEN o.is_panorama THEN o.geom END FROM old_rows o
    WHERE o.taken_at ~ '^\d{4}[:-]\d{2}[:-]\d{2}' AND (o.carrier_id IS NOT NULL OR o.footprint IS NOT NULL OR (o.is_panorama AND o.geom IS NOT NULL));
  ELSE
    INSERT INTO stats_survey_pending_photos
    SELECT x.carrier_id, ST_GeomFromEWKB(x.footprint), ST_GeomFromEWKB(x.pano) FROM (
      (SELECT n.id, n.carrier_id, n.taken_at, n.review_state, ST_AsEWKB(n.footprint) AS footprint,
              ST_AsEWKB(CASE WHEN n.is_panorama THEN n.geom END) AS pano FROM new_rows n
       EXCEPT
       SELECT o.id, o.carrier_id, o.taken_at, o.review_state, ST_AsEWKB(o.footprint), ST_AsEWKB(CASE WHEN o.is_panorama THEN o.geom END) FROM old_rows o)
      UNION ALL
      (SELECT o.id, o.carrier_id, o.taken_at, o.review_state, ST_AsEWKB(o.footprint), ST_AsEWKB(CASE WHEN o.is_panorama THEN o.geom END) FROM old_rows o
       EXCEPT
       SELECT n.id, n.carrier_id, n.taken_at, n.review_state, ST_AsEWKB(n.footprint), ST_AsEWKB(CASE WHEN n.is_panorama THEN n.geom END) FROM new_rows n)
    ) x
    WHERE x.taken_at ~ '^\d{4}[:-]\d{2}[:-]\d{2}' AND (x.carrier_id IS NOT NULL OR x.footprint IS NOT NULL OR x.pano IS NOT NULL);
  END IF;
  IF FOUND THEN
    PERFORM stats_survey_mark();
  END IF;
  RETURN NULL;
END
$$;

-- feature_history (append-only; the demo seed deletes with the guard off): applied carrier changes.
CREATE FUNCTION stats_survey_history_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_survey_pending_ids
    SELECT DISTINCT n.feature_id::bigint FROM new_rows n
    WHERE n.applied AND n.action <> 'delete' AND n.layer IN ('land', 'factories', 'offices') AND n.feature_id ~ '^[0-9]{1,18}$';
  ELSE
    INSERT INTO stats_survey_pending_ids
    SELECT DISTINCT o.feature_id::bigint FROM old_rows o
    WHERE o.applied AND o.action <> 'delete' AND o.layer IN ('land', 'factories', 'offices') AND o.feature_id ~ '^[0-9]{1,18}$';
  END IF;
  IF FOUND THEN
    PERFORM stats_survey_mark();
  END IF;
  RETURN NULL;
END
$$;

-- photos or feature_history truncated: every carrier with evidence is recomputed (nothing when the
-- rollup was truncated in the same statement: a restore, which copies it back).
CREATE FUNCTION stats_survey_sources_truncated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO stats_survey_pending_ids SELECT s.id FROM stats_survey_carrier s;
  IF FOUND THEN
    PERFORM stats_survey_mark();
  END IF;
  RETURN NULL;
END
$$;

-- At commit: the carriers noted (and those the noted photos cover now) recomputed, once per transaction.
CREATE FUNCTION stats_survey_fold() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  ids bigint[];
BEGIN
  DELETE FROM stats_survey_pending_marks;
  IF NOT FOUND THEN
    RETURN NULL; -- an earlier firing in this transaction folded everything
  END IF;
  -- The lock of 022's folds: one fold at a time, in one lock order; the statements below see every
  -- fold committed before this one.
  LOCK TABLE stats_inventory_carrier IN SHARE ROW EXCLUSIVE MODE;

  WITH i AS (DELETE FROM stats_survey_pending_ids RETURNING id),
  p AS (DELETE FROM stats_survey_pending_photos RETURNING carrier_id, footprint, pano)
  SELECT array_agg(DISTINCT x.id) INTO ids FROM (
    SELECT i.id FROM i
    UNION ALL
    SELECT p.carrier_id FROM p WHERE p.carrier_id IS NOT NULL
    UNION ALL
    SELECT k.id FROM p CROSS JOIN LATERAL (SELECT k.id FROM carriers k WHERE ST_Intersects(p.footprint, k.geom) OFFSET 0) k
    WHERE p.footprint IS NOT NULL
    UNION ALL
    SELECT k.id FROM p CROSS JOIN LATERAL (SELECT k.id FROM carriers k WHERE ST_DWithin(ST_Transform(p.pano, 4545), k.geom_m, 150) OFFSET 0) k
    WHERE p.pano IS NOT NULL
  ) x;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;

  -- Out by primary key (one probe per carrier), in again from the sources.
  DELETE FROM stats_survey_days d USING unnest(ids) u(id) WHERE d.carrier_id = u.id;
  DELETE FROM stats_survey_carrier s USING unnest(ids) u(id) WHERE s.id = u.id;
  WITH e AS MATERIALIZED (
    SELECT * FROM stats_survey_of(ids)
  ), days AS (
    INSERT INTO stats_survey_days (carrier_id, day, public) SELECT e.carrier_id, e.day, e.public FROM e ORDER BY 1, 2
  )
  INSERT INTO stats_survey_carrier (id, county_adcode, park_id, kind, status, published, last_all, last_public)
  SELECT f.id, COALESCE(f.county_adcode, ''), COALESCE(f.park_id, 0), f.kind, f.status, f.review_state = 'published',
         l.last_all, l.last_public
  FROM (SELECT e.carrier_id, max(e.day) AS last_all, max(e.day) FILTER (WHERE e.public) AS last_public FROM e GROUP BY 1) l
  JOIN carrier_facts f ON f.id = l.carrier_id
  ORDER BY 1;
  RETURN NULL;
END
$$;

-- Existing rows (a database from before this migration).
INSERT INTO stats_survey_days (carrier_id, day, public)
SELECT carrier_id, day, public FROM stats_survey_of(ARRAY(SELECT id FROM carriers)) ORDER BY 1, 2;
INSERT INTO stats_survey_carrier (id, county_adcode, park_id, kind, status, published, last_all, last_public)
SELECT f.id, COALESCE(f.county_adcode, ''), COALESCE(f.park_id, 0), f.kind, f.status, f.review_state = 'published',
       l.last_all, l.last_public
FROM (SELECT d.carrier_id, max(d.day) AS last_all, max(d.day) FILTER (WHERE d.public) AS last_public FROM stats_survey_days d GROUP BY 1) l
JOIN carrier_facts f ON f.id = l.carrier_id
ORDER BY 1;
ANALYZE stats_survey_days, stats_survey_carrier;

CREATE TRIGGER carrier_facts_survey_ins AFTER INSERT ON carrier_facts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_facts_changed();
CREATE TRIGGER carrier_facts_survey_upd AFTER UPDATE ON carrier_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_facts_changed();
CREATE TRIGGER carrier_facts_survey_del AFTER DELETE ON carrier_facts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_facts_changed();
CREATE TRIGGER carriers_survey_outline AFTER UPDATE ON carriers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_outlines_changed();
CREATE TRIGGER photos_survey_ins AFTER INSERT ON photos
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_photos_changed();
CREATE TRIGGER photos_survey_upd AFTER UPDATE ON photos
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_photos_changed();
CREATE TRIGGER photos_survey_del AFTER DELETE ON photos
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_photos_changed();
CREATE TRIGGER photos_survey_trunc AFTER TRUNCATE ON photos
  FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_sources_truncated();
CREATE TRIGGER feature_history_survey_ins AFTER INSERT ON feature_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_history_changed();
CREATE TRIGGER feature_history_survey_del AFTER DELETE ON feature_history
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_history_changed();
CREATE TRIGGER feature_history_survey_trunc AFTER TRUNCATE ON feature_history
  FOR EACH STATEMENT EXECUTE FUNCTION stats_survey_sources_truncated();
CREATE CONSTRAINT TRIGGER stats_survey_pending_fold AFTER INSERT ON stats_survey_pending_marks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_survey_fold();

-- JIT off inside the dashboard's triggers and folds, for every writer (server, CLI import, psql).
-- Their statements read transition tables and pending tables whose statistics are stale (a
-- pending table last analysed while it held a bulk import's 200,000 ids), so estimates pass
-- jit_above_cost and PostgreSQL compiled plans that touch a handful of rows: on bench:stats' data a
-- one-carrier status edit spent ~380 ms of its commit compiling this migration's fold (EXPLAIN
-- ANALYZE: JIT 379.9 ms of 385.3 ms) and the 022 fold similarly; with JIT off the commit took
-- 10.6 ms warm (psql, 200,000 carriers). PGlite has no JIT: the setting is accepted and changes nothing.
ALTER FUNCTION carrier_facts_inserted() SET jit = off;
ALTER FUNCTION carrier_facts_updated() SET jit = off;
ALTER FUNCTION carrier_facts_deleted() SET jit = off;
ALTER FUNCTION carrier_facts_truncated() SET jit = off;
ALTER FUNCTION stats_change_recorded() SET jit = off;
ALTER FUNCTION stats_change_committed() SET jit = off;
ALTER FUNCTION stats_facts_changed() SET jit = off;
ALTER FUNCTION stats_history_changed() SET jit = off;
ALTER FUNCTION stats_history_truncated() SET jit = off;
ALTER FUNCTION stats_rollups_fold() SET jit = off;
ALTER FUNCTION stats_photos_changed() SET jit = off;
ALTER FUNCTION stats_photos_truncated() SET jit = off;
ALTER FUNCTION stats_survey_facts_changed() SET jit = off;
ALTER FUNCTION stats_survey_outlines_changed() SET jit = off;
ALTER FUNCTION stats_survey_photos_changed() SET jit = off;
ALTER FUNCTION stats_survey_history_changed() SET jit = off;
ALTER FUNCTION stats_survey_sources_truncated() SET jit = off;
ALTER FUNCTION stats_survey_fold() SET jit = off;
