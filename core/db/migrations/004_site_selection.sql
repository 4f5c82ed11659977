-- 004: site selection. Officers save the sites they pick for a client as a shortlist and share it
-- with the client through an unguessable link. Only a SHA-256 of the link's token is stored, so
-- the database alone cannot reopen a link; a link can expire and be revoked.

CREATE TABLE shortlists (
  id          bigserial PRIMARY KEY,
  client_name text NOT NULL CHECK (length(client_name) BETWEEN 1 AND 200),
  brief       jsonb NOT NULL DEFAULT '{}',   -- the site-selection brief the sites came from
  notes       text NOT NULL DEFAULT '',      -- internal: never shown through a share link
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shortlists_updated_idx ON shortlists (updated_at DESC);

CREATE TABLE shortlist_items (
  shortlist_id bigint NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
  carrier_id   bigint NOT NULL REFERENCES carriers (id) ON DELETE CASCADE,
  position     integer NOT NULL CHECK (position >= 0),
  note         text NOT NULL DEFAULT '',      -- shown to the client
  PRIMARY KEY (shortlist_id, carrier_id)
);
CREATE INDEX shortlist_items_carrier_idx ON shortlist_items (carrier_id);

CREATE TABLE shortlist_shares (
  token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  shortlist_id bigint NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  view_count   integer NOT NULL DEFAULT 0,
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shortlist_shares_shortlist_idx ON shortlist_shares (shortlist_id);

-- Nearest amenity of one kind, fast whatever the mix of kinds. A KNN scan (`<->`) on the plain
-- geom_m index walks amenities of every kind in distance order and discards the other kinds, which
-- is slow wherever the wanted kind is far away or rare. This index holds each kind's published
-- points translated by a kind-specific offset (20,000 km apart along x), so in the translated
-- space the nearest point IS the nearest of the same kind; ordering by the translated geometries
-- keeps the exact distance (KNN rechecks with the real distance), and queries still filter on kind.
CREATE FUNCTION amenity_kind_offset(kind text) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 2e7 * CASE kind WHEN 'school' THEN 1 WHEN 'hospital' THEN 2 WHEN 'pharmacy' THEN 3 WHEN 'bank' THEN 4 WHEN 'bus_stop' THEN 5
    WHEN 'rail_station' THEN 6 WHEN 'highway_exit' THEN 7 WHEN 'hotel' THEN 8 WHEN 'restaurant' THEN 9 WHEN 'mall' THEN 10
    WHEN 'scenic' THEN 11 WHEN 'gas_station' THEN 12 WHEN 'police' THEN 13 WHEN 'post_office' THEN 14 WHEN 'government' THEN 15
    WHEN 'logistics' THEN 16 ELSE 17 END
$$;
CREATE INDEX amenities_kind_knn_idx ON amenities
  USING gist (ST_Translate(geom_m, amenity_kind_offset(kind), 0)) WHERE review_state = 'published';

-- Site selection filters before it measures: these let the candidate query start from the
-- published carriers of the asked kinds and statuses, or from an area or price range, instead of
-- scanning every carrier (selection.sql adds sargable bounds beside its exact, rounded tests).
CREATE INDEX carriers_select_kind_idx ON carriers (kind, review_state, status);
CREATE INDEX carriers_select_area_idx ON carriers (area_m2) WHERE review_state = 'published';
CREATE INDEX carriers_select_price_idx ON carriers (price) WHERE review_state = 'published';
