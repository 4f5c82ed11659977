-- 011: survey evidence as map layers, and the service area.
--
-- Photo points, photo ground footprints and GPS tracks are layers like the others (layers/catalog.ts):
-- each reads a view over `photos` or `tracks` exposing its geometry as `geom`, so the one feature
-- query, the tiles and the exports use them unchanged. The views are simple (one table, no
-- aggregates), hence updatable: publishing a feature updates the row underneath.
--
-- Photos and tracks taken outside the service area (survey-import, SERVICE_AREA_BUFFER_KM) are kept
-- for staff with a warning and can never be published: a trigger refuses it with a message naming
-- the row, whatever writes the change.

ALTER TABLE photos ADD COLUMN outside_service_area boolean NOT NULL DEFAULT false;
ALTER TABLE tracks ADD COLUMN outside_service_area boolean NOT NULL DEFAULT false;

CREATE FUNCTION refuse_publishing_outside_service_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.outside_service_area AND NEW.review_state = 'published' THEN
    RAISE EXCEPTION '% % lies outside the service area and cannot be published', TG_TABLE_NAME, NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER photos_service_area BEFORE INSERT OR UPDATE OF review_state, outside_service_area ON photos
  FOR EACH ROW EXECUTE FUNCTION refuse_publishing_outside_service_area();
CREATE TRIGGER tracks_service_area BEFORE INSERT OR UPDATE OF review_state, outside_service_area ON tracks
  FOR EACH ROW EXECUTE FUNCTION refuse_publishing_outside_service_area();

-- Photo points (not panoramas: they have their own layer) with their view direction.
CREATE VIEW photo_points AS
SELECT id, file_name, taken_at, make, model, heading, gimbal_pitch, rel_altitude_m, altitude_m, width, height,
       carrier_id, park_id, review_state, batch_id, outside_service_area, geom
FROM photos
WHERE NOT is_panorama AND geom IS NOT NULL;

-- What a photo shows on the ground (computed at import from position, height, gimbal and lens).
CREATE VIEW photo_footprints AS
SELECT id, file_name, taken_at, heading, rel_altitude_m, carrier_id, park_id, review_state, batch_id,
       outside_service_area, footprint AS geom
FROM photos
WHERE NOT is_panorama AND footprint IS NOT NULL;

-- GPS tracks and routes (lines; waypoints stay in `tracks` for staff).
CREATE VIEW track_lines AS
SELECT id, kind, name, file_name, length_m, properties->>'startTime' AS start_time, properties->>'endTime' AS end_time,
       (properties->>'minEle')::float8 AS min_ele, (properties->>'maxEle')::float8 AS max_ele,
       review_state, batch_id, outside_service_area, geom
FROM tracks
WHERE GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING');

-- Tile purge: changes of photos and tracks are logged under the layer ids the tiles use (panoramas
-- are logged since 005).
CREATE FUNCTION record_survey_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'photos' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox)
      SELECT 'photos', o.id::text, Box2D(o.geom) FROM old_rows o WHERE NOT o.is_panorama AND o.geom IS NOT NULL
      UNION ALL
      SELECT 'footprints', o.id::text, Box2D(o.footprint) FROM old_rows o WHERE o.footprint IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox)
      SELECT 'photos', n.id::text, Box2D(n.geom) FROM new_rows n WHERE NOT n.is_panorama AND n.geom IS NOT NULL
      UNION ALL
      SELECT 'footprints', n.id::text, Box2D(n.footprint) FROM new_rows n WHERE n.footprint IS NOT NULL;
    END IF;
  ELSIF TG_TABLE_NAME = 'tracks' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'tracks', o.id::text, Box2D(o.geom) FROM old_rows o;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'tracks', n.id::text, Box2D(n.geom) FROM new_rows n;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER photos_changes_ins AFTER INSERT ON photos REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();
CREATE TRIGGER photos_changes_upd AFTER UPDATE ON photos REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();
CREATE TRIGGER photos_changes_del AFTER DELETE ON photos REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();
CREATE TRIGGER tracks_changes_ins AFTER INSERT ON tracks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();
CREATE TRIGGER tracks_changes_upd AFTER UPDATE ON tracks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();
CREATE TRIGGER tracks_changes_del AFTER DELETE ON tracks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_survey_changes();

CREATE INDEX photos_carrier_idx ON photos (carrier_id);
