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
