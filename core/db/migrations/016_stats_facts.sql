-- 016: the statistics dashboard's narrow facts table and change log (issue 14).
--
-- `carrier_facts` holds, for every carrier (published or not), exactly the columns the dashboard's
-- figures filter, group and sum by: kind, county, park, status, review state, land area, floor
-- area, price and unit, land use, investment intensity, creation time and status date — ~120 bytes
-- a row against ~1.3 kB for a `carriers` row with its geometries, so a figure over 200,000 carriers
-- reads ~3,000 blocks instead of ~11,000. Like `carrier_search` (migration 013) it is kept by
-- AFTER … FOR EACH STATEMENT triggers with transition tables on `carriers`, so every write path
-- keeps it exact (imports, edits, reviews and publishing, undo, the demo seed, psql) and a
-- 5,000-row import writes its 5,000 facts in one statement. An update writes only the rows whose
-- dashboard columns changed. A backup copies it like any other table.
--
-- `stats_changes` is the dashboard's change log: one row per statement that inserts, updates or
-- deletes carriers, parks, counties, photos, history entries, enquiries or enquiry events — the
-- tables the figures are computed from. A deferred constraint trigger on each of its rows adds a
-- row to `stats_commits` when the writing transaction commits, so the newest `stats_commits` id
-- moves on with every commit that changed a figure's input, in commit order (an id taken at
-- statement time would let a long import that took a lower id commit after a higher one was
-- read). The result cache (server/stats/stats.cache.ts) tags an answer with the newest entry and
-- uses it only while that is still the newest. Not on TRUNCATE: a restore truncates and then
-- copies these tables too (its newest entry then differs in time), and an answer's lifetime bounds
-- what is left.

CREATE TABLE carrier_facts (
  id            bigint PRIMARY KEY,
  kind          text NOT NULL,
  county_adcode text,
  park_id       bigint,
  status        text NOT NULL,
  review_state  text NOT NULL,
  area_m2       double precision,
  floor_area_m2 double precision,
  price         double precision,
  price_unit    text,
  land_use      text,
  intensity     double precision,
  created_at    timestamptz NOT NULL,
  status_date   date
);

CREATE FUNCTION carrier_facts_inserted() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO carrier_facts AS f (id, kind, county_adcode, park_id, status, review_state, area_m2, floor_area_m2, price, price_unit,
                                  land_use, intensity, created_at, status_date)
  SELECT n.id, n.kind, n.county_adcode, n.park_id, n.status, n.review_state, n.area_m2, n.floor_area_m2, n.price::float8, n.price_unit,
         n.land_use, n.investment_intensity_wan_per_mu, n.created_at, n.status_date
  FROM new_rows n
  ON CONFLICT (id) DO UPDATE SET
    kind = EXCLUDED.kind, county_adcode = EXCLUDED.county_adcode, park_id = EXCLUDED.park_id, status = EXCLUDED.status,
    review_state = EXCLUDED.review_state, area_m2 = EXCLUDED.area_m2, floor_area_m2 = EXCLUDED.floor_area_m2, price = EXCLUDED.price,
    price_unit = EXCLUDED.price_unit, land_use = EXCLUDED.land_use, intensity = EXCLUDED.intensity, created_at = EXCLUDED.created_at,
    status_date = EXCLUDED.status_date;
  RETURN NULL;
END
$$;

-- Updated: only the rows whose dashboard columns changed (a contact or description edit writes nothing).
CREATE FUNCTION carrier_facts_updated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM carrier_facts f USING old_rows o WHERE f.id = o.id AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id);
  INSERT INTO carrier_facts AS f (id, kind, county_adcode, park_id, status, review_state, area_m2, floor_area_m2, price, price_unit,
                                  land_use, intensity, created_at, status_date)
  SELECT n.id, n.kind, n.county_adcode, n.park_id, n.status, n.review_state, n.area_m2, n.floor_area_m2, n.price::float8, n.price_unit,
         n.land_use, n.investment_intensity_wan_per_mu, n.created_at, n.status_date
  FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
  WHERE (o.kind, o.county_adcode, o.park_id, o.status, o.review_state, o.area_m2, o.floor_area_m2, o.price, o.price_unit, o.land_use,
         o.investment_intensity_wan_per_mu, o.created_at, o.status_date)
        IS DISTINCT FROM
        (n.kind, n.county_adcode, n.park_id, n.status, n.review_state, n.area_m2, n.floor_area_m2, n.price, n.price_unit, n.land_use,
         n.investment_intensity_wan_per_mu, n.created_at, n.status_date)
  ON CONFLICT (id) DO UPDATE SET
    kind = EXCLUDED.kind, county_adcode = EXCLUDED.county_adcode, park_id = EXCLUDED.park_id, status = EXCLUDED.status,
    review_state = EXCLUDED.review_state, area_m2 = EXCLUDED.area_m2, floor_area_m2 = EXCLUDED.floor_area_m2, price = EXCLUDED.price,
    price_unit = EXCLUDED.price_unit, land_use = EXCLUDED.land_use, intensity = EXCLUDED.intensity, created_at = EXCLUDED.created_at,
    status_date = EXCLUDED.status_date;
  RETURN NULL;
END
$$;

CREATE FUNCTION carrier_facts_deleted() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM carrier_facts f USING old_rows o WHERE f.id = o.id;
  RETURN NULL;
END
$$;

CREATE FUNCTION carrier_facts_truncated() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- DELETE, not TRUNCATE: a statement truncating both tables (a restore) has the table in use.
  DELETE FROM carrier_facts;
  RETURN NULL;
END
$$;

-- Existing rows (a database from before this migration).
INSERT INTO carrier_facts (id, kind, county_adcode, park_id, status, review_state, area_m2, floor_area_m2, price, price_unit,
                           land_use, intensity, created_at, status_date)
SELECT id, kind, county_adcode, park_id, status, review_state, area_m2, floor_area_m2, price::float8, price_unit,
       land_use, investment_intensity_wan_per_mu, created_at, status_date
FROM carriers;

CREATE TRIGGER carriers_facts_ins AFTER INSERT ON carriers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION carrier_facts_inserted();
CREATE TRIGGER carriers_facts_upd AFTER UPDATE ON carriers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION carrier_facts_updated();
CREATE TRIGGER carriers_facts_del AFTER DELETE ON carriers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION carrier_facts_deleted();
CREATE TRIGGER carriers_facts_trunc AFTER TRUNCATE ON carriers
  FOR EACH STATEMENT EXECUTE FUNCTION carrier_facts_truncated();

CREATE INDEX carrier_facts_park_idx ON carrier_facts (park_id);

CREATE TABLE stats_changes (
  id       bigserial PRIMARY KEY,
  tbl      text NOT NULL,
  at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE stats_commits (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION stats_change_recorded() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO stats_changes (tbl) VALUES (TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE FUNCTION stats_change_committed() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO stats_commits DEFAULT VALUES;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER stats_changes_commit AFTER INSERT ON stats_changes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_change_committed();
CREATE TRIGGER carriers_stats_change AFTER INSERT OR UPDATE OR DELETE ON carriers FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER parks_stats_change AFTER INSERT OR UPDATE OR DELETE ON parks FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER admin_areas_stats_change AFTER INSERT OR UPDATE OR DELETE ON admin_areas FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER photos_stats_change AFTER INSERT OR UPDATE OR DELETE ON photos FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER feature_history_stats_change AFTER INSERT OR UPDATE OR DELETE ON feature_history FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER enquiries_stats_change AFTER INSERT OR UPDATE OR DELETE ON enquiries FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
CREATE TRIGGER enquiry_events_stats_change AFTER INSERT OR UPDATE OR DELETE ON enquiry_events FOR EACH STATEMENT EXECUTE FUNCTION stats_change_recorded();
