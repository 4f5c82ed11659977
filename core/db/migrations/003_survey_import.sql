-- 003: survey import. Every upload is a batch; its items are staged here (already reprojected to
-- EPSG:4326 and validated) before one short commit transaction copies them into the layer tables.
-- Imported rows remember their batch, so undo removes exactly that batch's features and restores
-- rows it had updated.

CREATE TABLE import_batches (
  id           bigserial PRIMARY KEY,
  layer        text NOT NULL CHECK (layer IN ('land', 'factories', 'offices', 'amenities', 'photos', 'panoramas', 'tracks')),
  status       text NOT NULL CHECK (status IN ('uploaded', 'parsed', 'validated', 'committed', 'failed', 'undone')),
  crs          text,
  options      jsonb NOT NULL DEFAULT '{}',
  files        jsonb NOT NULL DEFAULT '[]',   -- [{name, sha256, size}]
  fingerprint  text NOT NULL,                 -- sha256 over layer + sorted file hashes + options
  summary      jsonb NOT NULL DEFAULT '{}',
  error        text,
  review_state text CHECK (review_state IN ('verified', 'published')),   -- last review of the batch's features
  reviewed_at  timestamptz,
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  committed_at timestamptz,
  undone_at    timestamptz
);
CREATE INDEX import_batches_fingerprint_idx ON import_batches (fingerprint);

CREATE TABLE import_items (
  batch_id   bigint NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
  idx        integer NOT NULL,
  file       text NOT NULL,
  file_index integer,
  location   text,
  kind       text NOT NULL,
  status     text NOT NULL CHECK (status IN ('valid', 'warning', 'rejected')),
  issues     jsonb NOT NULL DEFAULT '[]',
  mapped     jsonb NOT NULL DEFAULT '{}',     -- values mapped to the target table's columns
  raw        jsonb NOT NULL DEFAULT '{}',     -- attributes as read
  geom       geometry(Geometry, 4326),
  action     text CHECK (action IN ('insert', 'update')),
  target_id  bigint,                          -- row written by the commit
  previous   jsonb,                           -- the row before an update, for undo
  PRIMARY KEY (batch_id, idx)
);

-- Surveyed parcels may lie outside the 7 county-level units (reported as a warning at import).
ALTER TABLE carriers ALTER COLUMN county_adcode DROP NOT NULL;
ALTER TABLE carriers ADD COLUMN batch_id bigint REFERENCES import_batches (id) ON DELETE SET NULL;
ALTER TABLE amenities ADD COLUMN batch_id bigint REFERENCES import_batches (id) ON DELETE SET NULL;
CREATE INDEX carriers_batch_idx ON carriers (batch_id);
CREATE INDEX amenities_batch_idx ON amenities (batch_id);

-- Drone and phone photos, and 360° panoramas. Photos without a position are kept (geom NULL).
CREATE TABLE photos (
  id             bigserial PRIMARY KEY,
  batch_id       bigint REFERENCES import_batches (id) ON DELETE CASCADE,
  sha256         text NOT NULL UNIQUE,
  file_name      text NOT NULL,
  is_panorama    boolean NOT NULL DEFAULT false,
  taken_at       text,
  make           text,
  model          text,
  width          integer,
  height         integer,
  focal_mm       double precision,
  altitude_m     double precision,
  rel_altitude_m double precision,
  gimbal_yaw     double precision,
  gimbal_pitch   double precision,
  flight_yaw     double precision,
  heading        double precision,
  exif           jsonb NOT NULL DEFAULT '{}',
  carrier_id     bigint REFERENCES carriers (id) ON DELETE SET NULL,
  park_id        bigint REFERENCES parks (id) ON DELETE SET NULL,
  review_state   text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  geom           geometry(Point, 4326),
  footprint      geometry(Polygon, 4326),
  footprint_note text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX photos_geom_idx ON photos USING gist (geom);
CREATE INDEX photos_footprint_idx ON photos USING gist (footprint);

-- GPS tracks and routes (GPX, KML, TCX) and surveyed points (waypoints, CSV points).
CREATE TABLE tracks (
  id           bigserial PRIMARY KEY,
  batch_id     bigint REFERENCES import_batches (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('track', 'route', 'waypoint', 'point')),
  name         text,
  file_name    text NOT NULL,
  properties   jsonb NOT NULL DEFAULT '{}',
  review_state text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  geom         geometry(Geometry, 4326) NOT NULL,
  length_m     double precision GENERATED ALWAYS AS (ST_Length(ST_Transform(geom, 4545))) STORED,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracks_geom_idx ON tracks USING gist (geom);
