-- 005: guided park tours and the panorama layer's change log.
--
-- A tour is an ordered list of stops; each stop is a camera (centre, zoom, pitch, bearing), a text
-- in Chinese and English, how long the player dwells there, and what it shows: carriers to
-- highlight and photos / 360° panoramas (rows of `photos`). Stops have their own ids, so a deep
-- link `tour.html?id=7#stop=42` keeps pointing at the same stop when stops are reordered, added or
-- removed. Tours follow the review states of carriers: staff author (draft), a reviewer publishes;
-- the public and officers see published tours only, and inside them published carriers and photos only.

CREATE TABLE tours (
  id           bigserial PRIMARY KEY,
  title_zh     text NOT NULL CHECK (length(title_zh) BETWEEN 1 AND 200),
  title_en     text NOT NULL DEFAULT '' CHECK (length(title_en) <= 200),
  summary_zh   text NOT NULL DEFAULT '' CHECK (length(summary_zh) <= 2000),
  summary_en   text NOT NULL DEFAULT '' CHECK (length(summary_en) <= 2000),
  park_id      bigint REFERENCES parks (id) ON DELETE SET NULL,
  review_state text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  reviewed_at  timestamptz,
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tours_park_idx ON tours (park_id);
CREATE INDEX tours_state_idx ON tours (review_state, updated_at DESC);

CREATE TABLE tour_stops (
  id         bigserial PRIMARY KEY,
  tour_id    bigint NOT NULL REFERENCES tours (id) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  title_zh   text NOT NULL DEFAULT '' CHECK (length(title_zh) <= 200),
  title_en   text NOT NULL DEFAULT '' CHECK (length(title_en) <= 200),
  text_zh    text NOT NULL DEFAULT '' CHECK (length(text_zh) <= 5000),
  text_en    text NOT NULL DEFAULT '' CHECK (length(text_en) <= 5000),
  center     geometry(Point, 4326) NOT NULL,
  zoom       double precision NOT NULL CHECK (zoom BETWEEN 0 AND 22),
  pitch      double precision NOT NULL DEFAULT 0 CHECK (pitch BETWEEN 0 AND 85),
  bearing    double precision NOT NULL DEFAULT 0 CHECK (bearing > -360 AND bearing < 360),
  dwell_s    double precision NOT NULL DEFAULT 8 CHECK (dwell_s BETWEEN 1 AND 600),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Reordering rewrites every position of a tour in one statement; checked at commit.
  UNIQUE (tour_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX tour_stops_center_idx ON tour_stops USING gist (center);

-- Carriers a stop highlights, in the order its caption names them.
CREATE TABLE tour_stop_carriers (
  stop_id    bigint NOT NULL REFERENCES tour_stops (id) ON DELETE CASCADE,
  carrier_id bigint NOT NULL REFERENCES carriers (id) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (stop_id, carrier_id)
);
CREATE INDEX tour_stop_carriers_carrier_idx ON tour_stop_carriers (carrier_id);

-- Photos and panoramas a stop shows.
CREATE TABLE tour_stop_media (
  stop_id  bigint NOT NULL REFERENCES tour_stops (id) ON DELETE CASCADE,
  photo_id bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (stop_id, photo_id)
);
CREATE INDEX tour_stop_media_photo_idx ON tour_stop_media (photo_id);

-- The `panoramas` map layer is drawn from `photos` rows with is_panorama: log their changes like
-- the other layer tables (002), so cached panorama tiles are purged when a panorama is imported,
-- moved, reviewed or deleted. Its own function, so 002's stays untouched.
CREATE FUNCTION record_panorama_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO feature_changes (layer, feature_id, bbox)
    SELECT 'panoramas', o.id::text, Box2D(o.geom) FROM old_rows o WHERE o.is_panorama AND o.geom IS NOT NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO feature_changes (layer, feature_id, bbox)
    SELECT 'panoramas', n.id::text, Box2D(n.geom) FROM new_rows n WHERE n.is_panorama AND n.geom IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER photos_panorama_changes_ins AFTER INSERT ON photos REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_panorama_changes();
CREATE TRIGGER photos_panorama_changes_upd AFTER UPDATE ON photos REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_panorama_changes();
CREATE TRIGGER photos_panorama_changes_del AFTER DELETE ON photos REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_panorama_changes();
