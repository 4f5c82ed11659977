-- 001: carrier-resource schema.
-- Geometries are stored in EPSG:4326 (WGS84; CGCS2000 differs by centimetres). Metric companions
-- in CGCS2000 / 3-degree Gauss-Kruger CM 108E (EPSG:4545) are generated columns, so areas and
-- distances are always computed from the stored geometry and can never drift from it.

CREATE TABLE admin_areas (
  adcode        text PRIMARY KEY CHECK (adcode ~ '^[0-9]{6}$'),
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  level         text NOT NULL CHECK (level IN ('city', 'county')),
  parent_adcode text REFERENCES admin_areas (adcode),
  review_state  text NOT NULL DEFAULT 'published' CHECK (review_state IN ('draft', 'verified', 'published')),
  source        text NOT NULL,
  geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_m        geometry(MultiPolygon, 4545) GENERATED ALWAYS AS (ST_Transform(geom, 4545)) STORED,
  area_m2       double precision GENERATED ALWAYS AS (ST_Area(ST_Transform(geom, 4545))) STORED,
  label_point   geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED
);
CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);
CREATE INDEX admin_areas_geom_m_idx ON admin_areas USING gist (geom_m);

CREATE TABLE parks (
  id                 bigserial PRIMARY KEY,
  code               text NOT NULL UNIQUE,
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  county_adcode      text NOT NULL REFERENCES admin_areas (adcode),
  park_level         text NOT NULL CHECK (park_level IN ('national', 'provincial', 'city', 'county')),
  leading_industries text[] NOT NULL DEFAULT '{}',
  intro_zh           text NOT NULL DEFAULT '',
  intro_en           text NOT NULL DEFAULT '',
  established_year   integer CHECK (established_year BETWEEN 1949 AND 2100),
  contact_name       text,
  contact_phone      text,
  review_state       text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  geom               geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_m             geometry(MultiPolygon, 4545) GENERATED ALWAYS AS (ST_Transform(geom, 4545)) STORED,
  area_m2            double precision GENERATED ALWAYS AS (ST_Area(ST_Transform(geom, 4545))) STORED,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parks_geom_idx ON parks USING gist (geom);
CREATE INDEX parks_county_idx ON parks (county_adcode);

-- Land parcels (地块), standard factories (标准厂房) and office space (写字楼/楼宇) share one table:
-- officers filter and rank them together. `kind` selects the layer; attributes that do not apply
-- to a kind stay NULL.
CREATE TABLE carriers (
  id                       bigserial PRIMARY KEY,
  code                     text NOT NULL UNIQUE,
  kind                     text NOT NULL CHECK (kind IN ('land', 'factory', 'office')),
  name                     text NOT NULL,
  park_id                  bigint REFERENCES parks (id) ON DELETE SET NULL,
  county_adcode            text NOT NULL REFERENCES admin_areas (adcode),
  status                   text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'occupied')),
  review_state             text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  land_use                 text,            -- zoning code, e.g. M1 一类工业用地 (GB 50137)
  allowed_industries       text[] NOT NULL DEFAULT '{}',
  price                    numeric CHECK (price >= 0),
  price_unit               text,            -- 万元/亩, 元/m²·月, 元/m²
  floors                   integer CHECK (floors BETWEEN 1 AND 200),
  floor_area_m2            double precision CHECK (floor_area_m2 > 0),
  floor_load_kn_m2         double precision CHECK (floor_load_kn_m2 > 0),
  clear_height_m           double precision CHECK (clear_height_m > 0),
  building_height_m        double precision CHECK (building_height_m > 0),
  plot_ratio_min           double precision CHECK (plot_ratio_min >= 0),
  plot_ratio_max           double precision CHECK (plot_ratio_max >= 0),
  building_coefficient_pct double precision CHECK (building_coefficient_pct BETWEEN 0 AND 100),
  investment_intensity_wan_per_mu double precision CHECK (investment_intensity_wan_per_mu >= 0),
  output_per_mu_wan        double precision CHECK (output_per_mu_wan >= 0),
  tax_per_mu_wan           double precision CHECK (tax_per_mu_wan >= 0),
  power_kva                double precision CHECK (power_kva >= 0),
  water_t_per_day          double precision CHECK (water_t_per_day >= 0),
  gas                      boolean,
  ownership                text,
  contact_name             text,
  contact_phone            text,
  available_from           date,
  description              text,
  geom                     geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_m                   geometry(MultiPolygon, 4545) GENERATED ALWAYS AS (ST_Transform(geom, 4545)) STORED,
  -- In the GK CM 108E zone (Dazhou) the projected area; elsewhere (surveys from outside the city)
  -- the ellipsoidal one, since a far-off zone would distort it.
  area_m2                  double precision GENERATED ALWAYS AS (
                             CASE WHEN ST_XMin(geom) >= 106.5 AND ST_XMax(geom) <= 109.5
                                  THEN ST_Area(ST_Transform(geom, 4545)) ELSE ST_Area(geom::geography) END) STORED,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CHECK (plot_ratio_min IS NULL OR plot_ratio_max IS NULL OR plot_ratio_min <= plot_ratio_max)
);
CREATE INDEX carriers_geom_idx ON carriers USING gist (geom);
CREATE INDEX carriers_geom_m_idx ON carriers USING gist (geom_m);
CREATE INDEX carriers_kind_state_idx ON carriers (kind, review_state, status);
CREATE INDEX carriers_county_idx ON carriers (county_adcode);
CREATE INDEX carriers_park_idx ON carriers (park_id);

CREATE TABLE amenities (
  id            bigserial PRIMARY KEY,
  code          text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN (
                  'school', 'hospital', 'pharmacy', 'bank', 'bus_stop', 'rail_station', 'highway_exit',
                  'hotel', 'restaurant', 'mall', 'scenic', 'gas_station', 'police', 'post_office',
                  'government', 'logistics')),
  name          text NOT NULL,
  county_adcode text REFERENCES admin_areas (adcode),
  address       text,
  review_state  text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  geom          geometry(Point, 4326) NOT NULL,
  geom_m        geometry(Point, 4545) GENERATED ALWAYS AS (ST_Transform(geom, 4545)) STORED,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX amenities_geom_idx ON amenities USING gist (geom);
CREATE INDEX amenities_geom_m_idx ON amenities USING gist (geom_m);
CREATE INDEX amenities_kind_idx ON amenities (kind);

CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
  display_name  text NOT NULL DEFAULT '',
  role          text NOT NULL CHECK (role IN ('staff', 'reviewer', 'officer', 'admin')),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

-- Sessions live in the database so several stateless servers can run behind a load balancer.
-- Only a SHA-256 of the token is stored; the token itself exists only in the user's cookie.
CREATE TABLE sessions (
  token_sha256 text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Facts about this installation (e.g. when the demo data was loaded), so one-time actions stay one-time.
CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
