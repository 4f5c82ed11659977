-- 006: 3D assets. OGC 3D Tiles tilesets (oblique photography, generated park models) and BIM models
-- (IFC converted to glTF, or glTF uploaded as is), each optionally attached to a park or a carrier.
-- Files live in the content-addressed asset store; these tables hold what points at them.
-- Like every survey upload, an upload is a draft until a reviewer publishes it, and the public sees
-- an asset only when it AND the park/carrier it is attached to are published.

CREATE TABLE tilesets (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL,
  park_id        bigint REFERENCES parks (id) ON DELETE SET NULL,
  carrier_id     bigint REFERENCES carriers (id) ON DELETE SET NULL,
  origin         text NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload', 'demo')),
  source_sha256  text,                     -- the uploaded zip (NULL for generated tilesets)
  version        text NOT NULL,            -- asset.version of the root tileset.json
  georeferenced  boolean NOT NULL,         -- the tileset places itself (transform / region / ECEF box)
  -- Staff placement of a local tileset; the served tileset.json gets root.transform from it.
  lon            double precision CHECK (lon BETWEEN -180 AND 180),
  lat            double precision CHECK (lat BETWEEN -85 AND 85),
  height         double precision,
  heading        double precision,
  center         geometry(Point, 4326),    -- where it is (from the placement or the bounding volume)
  tile_count     integer NOT NULL DEFAULT 0,
  entry_count    integer NOT NULL DEFAULT 0,
  total_bytes    bigint NOT NULL DEFAULT 0,
  review_state   text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  created_by     bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  reviewed_at    timestamptz,
  CHECK ((lon IS NULL) = (lat IS NULL))
);
CREATE INDEX tilesets_park_idx ON tilesets (park_id);
CREATE INDEX tilesets_carrier_idx ON tilesets (carrier_id);

-- The files of a tileset by their path inside it; bytes are in the asset store under `sha256`,
-- and a gzip copy (derived variant "gz") when it is worth serving compressed.
CREATE TABLE tileset_entries (
  tileset_id  bigint NOT NULL REFERENCES tilesets (id) ON DELETE CASCADE,
  path        text NOT NULL CHECK (path !~ '(^|/)\.\.(/|$)' AND path !~ '^/'),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  ext         text NOT NULL,
  size        bigint NOT NULL,
  gzip_size   bigint,
  PRIMARY KEY (tileset_id, path)
);

CREATE TABLE bim_models (
  id               bigserial PRIMARY KEY,
  name             text NOT NULL,
  park_id          bigint REFERENCES parks (id) ON DELETE SET NULL,
  carrier_id       bigint REFERENCES carriers (id) ON DELETE SET NULL,
  origin           text NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload', 'demo')),
  format           text NOT NULL CHECK (format IN ('ifc', 'glb', 'gltf')),
  source_sha256    text NOT NULL,          -- the uploaded file
  source_ext       text NOT NULL,
  glb_sha256       text NOT NULL,          -- the GLB served (derived "bim-glb" of the source, or the source)
  glb_variant      text NOT NULL,          -- asset-store variant of that GLB ('original' or 'bim-glb')
  ifc_schema       text,                   -- IFC2X3 / IFC4 / …
  element_count    integer NOT NULL DEFAULT 0,
  lon              double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat              double precision NOT NULL CHECK (lat BETWEEN -85 AND 85),
  height           double precision NOT NULL DEFAULT 0,
  heading          double precision NOT NULL DEFAULT 0,
  georef_source    text NOT NULL CHECK (georef_source IN ('ifc-site', 'manual', 'carrier', 'park')),
  up_axis          text NOT NULL DEFAULT 'y' CHECK (up_axis IN ('y', 'z')),
  review_state     text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  reviewed_at      timestamptz
);
CREATE INDEX bim_models_carrier_idx ON bim_models (carrier_id);
CREATE INDEX bim_models_park_idx ON bim_models (park_id);
