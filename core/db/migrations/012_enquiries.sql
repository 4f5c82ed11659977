-- 012: investment enquiries (投资意向) from the public, and the officers' inbox.
-- An investor submits an enquiry about the city, a park or a carrier without an account; officers
-- and admins work it through new → contacted → site_visit → signed / closed. The public can never
-- read an enquiry: there is no public read route, and the reference number is only a receipt.

CREATE TABLE enquiries (
  id              bigserial PRIMARY KEY,
  -- Receipt shown to the investor, e.g. DZ-261203-7K3Q9M (unambiguous letters and digits).
  reference       text NOT NULL UNIQUE CHECK (reference ~ '^DZ-[0-9]{6}-[0-9A-Z]{6}$'),
  company         text NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
  contact_person  text NOT NULL CHECK (length(contact_person) BETWEEN 1 AND 100),
  phone           text CHECK (length(phone) <= 40),
  email           text CHECK (length(email) <= 254),
  industry        text CHECK (length(industry) <= 100),
  -- Planned investment in 万元 (10,000 CNY).
  investment_wan  numeric CHECK (investment_wan > 0),
  space_kind      text CHECK (space_kind IN ('land', 'factory', 'office')),
  -- Space needed, in square metres, and the unit the investor typed it in (shown back the same way).
  space_m2        double precision CHECK (space_m2 > 0),
  space_unit      text CHECK (space_unit IN ('mu', 'm2')),
  message         text NOT NULL DEFAULT '' CHECK (length(message) <= 4000),
  park_id         bigint REFERENCES parks (id) ON DELETE SET NULL,
  carrier_id      bigint REFERENCES carriers (id) ON DELETE SET NULL,
  county_adcode   text REFERENCES admin_areas (adcode),
  lang            text NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
  status          text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'site_visit', 'signed', 'closed')),
  assigned_to     bigint REFERENCES users (id) ON DELETE SET NULL,
  -- SHA-256 of the client address (with a server-side salt): enough to rate-limit, not to identify.
  client_hash     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
CREATE INDEX enquiries_status_idx ON enquiries (status, created_at DESC);
CREATE INDEX enquiries_park_idx ON enquiries (park_id);
CREATE INDEX enquiries_county_idx ON enquiries (county_adcode);
CREATE INDEX enquiries_client_idx ON enquiries (client_hash, created_at);

-- What officers did with an enquiry: notes, status changes, assignments. Append-only.
CREATE TABLE enquiry_events (
  id           bigserial PRIMARY KEY,
  enquiry_id   bigint NOT NULL REFERENCES enquiries (id) ON DELETE CASCADE,
  user_id      bigint REFERENCES users (id) ON DELETE SET NULL,
  kind         text NOT NULL CHECK (kind IN ('note', 'status', 'assign')),
  body         text NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
  from_status  text,
  to_status    text,
  assigned_to  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enquiry_events_enquiry_idx ON enquiry_events (enquiry_id, id);

-- Rejected or accepted submissions per client, so a flood of bad requests is limited too.
CREATE TABLE enquiry_attempts (
  client_hash  text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enquiry_attempts_idx ON enquiry_attempts (client_hash, at);
