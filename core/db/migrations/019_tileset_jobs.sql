-- 019: background conversion of uploaded OSGB oblique exports into 3D Tiles tilesets. The upload
-- stores the zip (content-addressed, in the asset store), checks what it can at once and queues a
-- job; a worker process converts it (server/three-d/tileset-jobs.ts) while the row reports its
-- stage and progress. The tileset and its entries are written in one transaction with the job's
-- `done`, so a failed or killed conversion leaves no tileset behind; a server that stops marks
-- its unfinished jobs failed at the next start.

CREATE TABLE tileset_jobs (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL DEFAULT 'oblique' CHECK (kind IN ('oblique')),
  file_name      text NOT NULL,
  source_sha256  text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),  -- the uploaded zip
  source_bytes   bigint NOT NULL,
  options        jsonb NOT NULL DEFAULT '{}',   -- name, parkId, carrierId, placement, lang
  state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  stage          text NOT NULL DEFAULT 'queued',  -- queued / reading / writing / storing / done / failed
  progress       real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  error          jsonb,                          -- {zh, en, reason, file} when state = 'failed'
  warnings       jsonb NOT NULL DEFAULT '[]',
  tileset_id     bigint REFERENCES tilesets (id) ON DELETE SET NULL,
  created_by     bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  CHECK (state <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX tileset_jobs_unfinished_idx ON tileset_jobs (id) WHERE state IN ('queued', 'running');
