-- 014: investment policies and promoted projects (招商政策, 对外推介项目库), and English names and
-- descriptions of carriers.
--
-- Staff write entries (title and Markdown body in zh and en, images, what they apply to, a validity
-- window); reviewers publish them (draft → verified → published, as every other layer). The
-- public sees an entry only while it is published and valid today (China Standard Time).
-- An entry applies to the counties, parks and industries it lists; one that lists none applies to
-- the whole city.

CREATE TABLE policies (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('policy', 'project')),
  title_zh        text NOT NULL CHECK (length(title_zh) BETWEEN 1 AND 200),
  title_en        text NOT NULL DEFAULT '' CHECK (length(title_en) <= 300),
  -- Markdown (a strict subset, rendered by server/policies/markdown.ts; raw HTML is shown as text).
  body_zh         text NOT NULL DEFAULT '' CHECK (length(body_zh) <= 20000),
  body_en         text NOT NULL DEFAULT '' CHECK (length(body_en) <= 30000),
  county_adcodes  text[] NOT NULL DEFAULT '{}',
  park_ids        bigint[] NOT NULL DEFAULT '{}',
  industries      text[] NOT NULL DEFAULT '{}',
  valid_from      date,
  valid_to        date,
  review_state    text NOT NULL DEFAULT 'draft' CHECK (review_state IN ('draft', 'verified', 'published')),
  version         integer NOT NULL DEFAULT 1,
  created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
  reviewed_by     bigint REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
);
CREATE INDEX policies_public_idx ON policies (review_state, valid_from, valid_to);
CREATE INDEX policies_parks_idx ON policies USING gin (park_ids);

-- Images of an entry, stored content-addressed in the asset store (original + web-sized variant).
CREATE TABLE policy_images (
  id          bigserial PRIMARY KEY,
  policy_id   bigint NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  ext         text NOT NULL CHECK (ext IN ('jpg', 'png', 'webp')),
  caption_zh  text NOT NULL DEFAULT '' CHECK (length(caption_zh) <= 200),
  caption_en  text NOT NULL DEFAULT '' CHECK (length(caption_en) <= 300),
  position    integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX policy_images_policy_idx ON policy_images (policy_id, position, id);

-- English name and description of carriers (parks have name_en and intro_en since 001).
ALTER TABLE carriers ADD COLUMN IF NOT EXISTS name_en text;
ALTER TABLE carriers ADD COLUMN IF NOT EXISTS description_en text;
