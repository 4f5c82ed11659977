-- 002: change log for tile-cache purging and layer versions.
-- Every insert, update and delete on a layer table records the bounding box of each changed feature
-- (old and new geometry) under the layer id the web and tiles use. Tile servers read new rows to
-- purge exactly the cached tiles those boxes touch, on every server, whatever wrote the change
-- (import, edit, review, psql). A layer's version is the highest change id that touched it.

CREATE TABLE feature_changes (
  id         bigserial PRIMARY KEY,
  layer      text NOT NULL,
  feature_id text NOT NULL,
  bbox       box2d,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feature_changes_layer_idx ON feature_changes (layer, id);

CREATE FUNCTION carrier_layer(kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE kind WHEN 'land' THEN 'land' WHEN 'factory' THEN 'factories' WHEN 'office' THEN 'offices' END
$$;

CREATE FUNCTION record_feature_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'carriers' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox)
      SELECT carrier_layer(o.kind), o.id::text, Box2D(o.geom) FROM old_rows o;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox)
      SELECT carrier_layer(n.kind), n.id::text, Box2D(n.geom) FROM new_rows n;
    END IF;
  ELSIF TG_TABLE_NAME = 'parks' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'parks', o.id::text, Box2D(o.geom) FROM old_rows o;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'parks', n.id::text, Box2D(n.geom) FROM new_rows n;
    END IF;
  ELSIF TG_TABLE_NAME = 'amenities' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'amenities', o.id::text, Box2D(o.geom) FROM old_rows o;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'amenities', n.id::text, Box2D(n.geom) FROM new_rows n;
    END IF;
  ELSIF TG_TABLE_NAME = 'admin_areas' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'counties', o.adcode, Box2D(o.geom) FROM old_rows o;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
      INSERT INTO feature_changes (layer, feature_id, bbox) SELECT 'counties', n.adcode, Box2D(n.geom) FROM new_rows n;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger, hence three triggers per table.
CREATE TRIGGER carriers_changes_ins AFTER INSERT ON carriers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER carriers_changes_upd AFTER UPDATE ON carriers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER carriers_changes_del AFTER DELETE ON carriers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER parks_changes_ins AFTER INSERT ON parks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER parks_changes_upd AFTER UPDATE ON parks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER parks_changes_del AFTER DELETE ON parks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER amenities_changes_ins AFTER INSERT ON amenities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER amenities_changes_upd AFTER UPDATE ON amenities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER amenities_changes_del AFTER DELETE ON amenities REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER admin_areas_changes_ins AFTER INSERT ON admin_areas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER admin_areas_changes_upd AFTER UPDATE ON admin_areas REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
CREATE TRIGGER admin_areas_changes_del AFTER DELETE ON admin_areas REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_changes();
