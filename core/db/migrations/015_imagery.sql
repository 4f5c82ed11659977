-- 015: orthophoto imagery (正射影像). An uploaded GeoTIFF is stored as an original in the asset store
-- and cut at import into a Web Mercator tile pyramid under DATA_DIR/imagery/<id>/ (see
-- survey-import/imagery/pyramid.ts); this table holds what the map, the legend and review need.
-- Like every upload it is a draft until a reviewer publishes it; the public sees it only when it is
-- published, its tiles are ready and the park it is attached to (if any) is published.

CREATE TABLE imagery (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL,
  file_name      text NOT NULL,
  park_id        bigint REFERENCES parks (id) ON DELETE SET NULL,
  source_sha256  text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),  -- the uploaded GeoTIFF
  source_bytes   bigint NOT NULL,
  source_epsg    integer NOT NULL,
  width          integer NOT NULL,
  height         integer NOT NULL,
  bands          smallint NOT NULL,
  pixel_size_m   double precision NOT NULL,
  footprint      geometry(Polygon, 4326) NOT NULL,
  min_zoom       smallint NOT NULL CHECK (min_zoom BETWEEN 0 AND 24),
  max_zoom       smallint NOT NULL CHECK (max_zoom BETWEEN 0 AND 24),
  captured_on    date,
  capture_source text CHECK (capture_source IN ('tiff', 'user')),
  status         text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
  progress       real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  error          jsonb,                     -- {zh, en} when status = 'failed'
  tile_count     integer NOT NULL DEFAULT 0,
  tile_bytes     bigint NOT NULL DEFAULT 0,
  review_state   text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  created_by     bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  ready_at       timestamptz,
  reviewed_at    timestamptz,
  CHECK (min_zoom <= max_zoom),
  CHECK (review_state <> 'published' OR status = 'ready')
);
CREATE INDEX imagery_park_idx ON imagery (park_id);
CREATE INDEX imagery_footprint_idx ON imagery USING gist (footprint);
