-- 010: browser editing — row versions, draft revisions in reviewed changesets, and one append-only
-- history of every change to a feature.
--
-- The layer tables keep one row per feature: what tiles, the API, OGC and selection read. A staff edit
-- never changes that row: it writes a draft revision (the full edited values and geometry) inside a
-- changeset; a reviewer publishes the changeset, which applies its revisions to the rows in one
-- transaction (the triggers of 002 and 007 then purge tiles and refresh stored distances).
--
-- Every row change of an editable table (import, undo, review, publish, delete, psql) is recorded by
-- a statement-level trigger in `feature_history`; drafts and rejections are recorded by the edit
-- service. Who did it: `app.actor_id` (set with set_config(…, true) inside the writer's transaction),
-- else the importing user of the row's batch.

-- Optimistic concurrency: every editable row carries a version, bumped by every update.
ALTER TABLE carriers ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE amenities ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE parks ADD COLUMN version integer NOT NULL DEFAULT 1;

-- Availability changes carry a date; an occupied carrier names the enterprise that moved in (落地企业).
ALTER TABLE carriers
  ADD COLUMN status_date date,
  ADD COLUMN occupant_name text,
  ADD COLUMN occupant_industry text,
  ADD COLUMN occupant_investment_wan numeric CHECK (occupant_investment_wan >= 0),
  ADD COLUMN occupant_since date;

CREATE FUNCTION bump_feature_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;
CREATE TRIGGER carriers_version BEFORE UPDATE ON carriers FOR EACH ROW EXECUTE FUNCTION bump_feature_version();
CREATE TRIGGER amenities_version BEFORE UPDATE ON amenities FOR EACH ROW EXECUTE FUNCTION bump_feature_version();
CREATE TRIGGER parks_version BEFORE UPDATE ON parks FOR EACH ROW EXECUTE FUNCTION bump_feature_version();

-- A reviewed change: one edit, or a bulk edit of a selection (e.g. status of 20 parcels).
CREATE TABLE feature_changesets (
  id          bigserial PRIMARY KEY,
  state       text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'rejected')),
  note        text CHECK (length(note) <= 2000),
  created_by  bigint NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_by  bigint REFERENCES users (id),
  decided_at  timestamptz
);
CREATE INDEX feature_changesets_state_idx ON feature_changesets (state, id);

-- One feature's proposed state: `vals` holds every editable column after the edit (by column name),
-- `geom` the geometry after the edit (NULL for a delete). `base_version` is the row version the
-- edit started from (NULL for a new feature, whose id is reserved from the table's sequence).
CREATE TABLE feature_revisions (
  id            bigserial PRIMARY KEY,
  changeset_id  bigint NOT NULL REFERENCES feature_changesets (id),
  layer         text NOT NULL,
  feature_id    text NOT NULL,
  action        text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  base_version  integer,
  vals          jsonb NOT NULL DEFAULT '{}',
  geom          geometry(Geometry, 4326),
  restored_from bigint,            -- feature_history.id this draft restores
  state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'rejected', 'superseded')),
  created_by    bigint NOT NULL REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- At most one open draft per feature: a second edit builds on it and supersedes it.
CREATE UNIQUE INDEX feature_revisions_open_idx ON feature_revisions (layer, feature_id) WHERE state = 'draft';
CREATE INDEX feature_revisions_changeset_idx ON feature_revisions (changeset_id);

-- Append-only history of every change, per feature. `before`/`after` hold the changed columns (all
-- columns for inserts and deletes); the geometries only when they changed. No foreign keys, so no
-- cascade can ever rewrite it; the actor's name is kept as it was.
CREATE TABLE feature_history (
  id           bigserial PRIMARY KEY,
  layer        text NOT NULL,
  feature_id   text NOT NULL,
  action       text NOT NULL CHECK (action IN ('import', 'create', 'edit', 'delete', 'review', 'publish', 'reject', 'undo', 'restore')),
  version      integer,             -- row version after the change (NULL after a delete, or when not applied)
  -- false for entries that did not change the published row: drafts (edit, create, delete, restore
  -- proposals) and rejections, written by the edit service
  applied      boolean NOT NULL DEFAULT true,
  actor_id     bigint,
  actor_name   text,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  revision_id  bigint,
  changeset_id bigint,
  batch_id     bigint,
  before       jsonb,
  after        jsonb,
  before_geom  geometry(Geometry, 4326),
  after_geom   geometry(Geometry, 4326)
);
CREATE INDEX feature_history_feature_idx ON feature_history (layer, feature_id, id);

CREATE FUNCTION feature_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'feature_history is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER feature_history_no_update BEFORE UPDATE OR DELETE ON feature_history
  FOR EACH ROW EXECUTE FUNCTION feature_history_append_only();

-- Columns of a row as history keeps them: no geometry, no derived or bookkeeping columns.
CREATE FUNCTION history_values(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT j - 'geom' - 'geom_m' - 'area_m2' - 'label_point' - 'version' - 'updated_at' - 'created_at'
$$;

-- The keys of `a` whose values differ in `b`, with a's values (NULL when none differ).
CREATE FUNCTION jsonb_changed(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_object_agg(k, a -> k) FROM jsonb_object_keys(a || b) AS k WHERE (a -> k) IS DISTINCT FROM (b -> k)
$$;

CREATE FUNCTION record_feature_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  act      text := NULLIF(current_setting('app.history_action', true), '');
  actor    bigint := NULLIF(current_setting('app.actor_id', true), '')::bigint;
  rev      bigint := NULLIF(current_setting('app.revision_id', true), '')::bigint;
  cs       bigint := NULLIF(current_setting('app.changeset_id', true), '')::bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO feature_history (layer, feature_id, action, version, actor_id, actor_name, revision_id, changeset_id, batch_id, after, after_geom)
    SELECT CASE WHEN TG_TABLE_NAME = 'carriers' THEN carrier_layer(x.j ->> 'kind') ELSE TG_TABLE_NAME END,
           x.j ->> 'id', COALESCE(act, 'import'), (x.j ->> 'version')::integer,
           COALESCE(actor, b.created_by), COALESCE(NULLIF(u.display_name, ''), u.username),
           rev, cs, (x.j ->> 'batch_id')::bigint, history_values(x.j), x.geom
    FROM (SELECT to_jsonb(n) AS j, n.geom FROM new_rows n) x
    LEFT JOIN import_batches b ON b.id = (x.j ->> 'batch_id')::bigint
    LEFT JOIN users u ON u.id = COALESCE(actor, b.created_by)
    -- Rows inserted outside an import or an edit (the demo data) start without history.
    WHERE act IS NOT NULL OR x.j ->> 'batch_id' IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO feature_history (layer, feature_id, action, version, actor_id, actor_name, revision_id, changeset_id, batch_id, before, before_geom)
    SELECT CASE WHEN TG_TABLE_NAME = 'carriers' THEN carrier_layer(x.j ->> 'kind') ELSE TG_TABLE_NAME END,
           x.j ->> 'id', COALESCE(act, CASE WHEN x.j ->> 'batch_id' IS NOT NULL THEN 'undo' ELSE 'delete' END),
           NULL, actor, COALESCE(NULLIF(u.display_name, ''), u.username),
           rev, cs, (x.j ->> 'batch_id')::bigint, history_values(x.j), x.geom
    FROM (SELECT to_jsonb(o) AS j, o.geom FROM old_rows o) x
    LEFT JOIN users u ON u.id = actor;
  ELSE
    INSERT INTO feature_history (layer, feature_id, action, version, actor_id, actor_name, revision_id, changeset_id, batch_id,
                                 before, after, before_geom, after_geom)
    SELECT d.layer, d.fid,
           COALESCE(act,
             CASE WHEN NOT d.geom_changed AND d.a IS NOT NULL AND d.a - 'review_state' = '{}'::jsonb
                    THEN CASE WHEN d.a ->> 'review_state' = 'published' THEN 'publish' ELSE 'review' END
                  WHEN d.nb IS NOT NULL AND d.nb IS DISTINCT FROM d.ob THEN 'import'
                  WHEN d.ob IS NOT NULL AND d.nb IS DISTINCT FROM d.ob THEN 'undo'
                  ELSE 'edit' END),
           d.version, COALESCE(actor, CASE WHEN d.nb IS DISTINCT FROM d.ob THEN b.created_by END),
           COALESCE(NULLIF(u.display_name, ''), u.username), rev, cs, d.nb,
           d.b, d.a, CASE WHEN d.geom_changed THEN d.og END, CASE WHEN d.geom_changed THEN d.ng END
    FROM (
      SELECT CASE WHEN TG_TABLE_NAME = 'carriers' THEN carrier_layer(p.nj ->> 'kind') ELSE TG_TABLE_NAME END AS layer,
             p.nj ->> 'id' AS fid, (p.nj ->> 'version')::integer AS version,
             (p.oj ->> 'batch_id')::bigint AS ob, (p.nj ->> 'batch_id')::bigint AS nb,
             jsonb_changed(history_values(p.oj), history_values(p.nj)) AS b,
             jsonb_changed(history_values(p.nj), history_values(p.oj)) AS a,
             p.og IS DISTINCT FROM p.ng AS geom_changed, p.og, p.ng
      FROM (SELECT to_jsonb(o) AS oj, to_jsonb(n) AS nj, o.geom AS og, n.geom AS ng
            FROM old_rows o JOIN new_rows n ON n.id = o.id) p
    ) d
    LEFT JOIN import_batches b ON b.id = d.nb
    LEFT JOIN users u ON u.id = COALESCE(actor, CASE WHEN d.nb IS DISTINCT FROM d.ob THEN b.created_by END)
    WHERE d.a IS NOT NULL OR d.geom_changed;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER carriers_history_ins AFTER INSERT ON carriers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER carriers_history_upd AFTER UPDATE ON carriers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER carriers_history_del AFTER DELETE ON carriers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER amenities_history_ins AFTER INSERT ON amenities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER amenities_history_upd AFTER UPDATE ON amenities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER amenities_history_del AFTER DELETE ON amenities REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER parks_history_ins AFTER INSERT ON parks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER parks_history_upd AFTER UPDATE ON parks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
CREATE TRIGGER parks_history_del AFTER DELETE ON parks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION record_feature_history();
