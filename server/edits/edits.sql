-- Edits: draft revisions, reviewed changesets, per-feature history. Queries on a layer table take
-- {{table}}, {{id}}, {{filter}} (the layer's fixed filter on $1, or "$1 IS NULL"), {{cols}} (its
-- editable columns), {{rcols}} (the same prefixed with "r.") and {{geom}} (the revision geometry cast
-- to the table's type) from the layer definition (static code, identifiers escaped). Every value is
-- a $n parameter.

-- name: getRow
SELECT t.{{id}}::text AS id, t.version, ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}} AND t.{{id}}::text = $2;

-- name: lockRow
SELECT t.{{id}}::text AS id, t.version, ST_AsGeoJSON(t.geom, 7) AS geometry,
       to_jsonb(t) - 'geom' - 'geom_m' - 'label_point' AS props
FROM {{table}} t
WHERE {{filter}} AND t.{{id}}::text = $2
FOR UPDATE;

-- name: applyUpdate
-- $2 revision id. Applies only if the row is still at the revision's base version.
UPDATE {{table}} t SET ({{cols}}) = (SELECT {{rcols}} FROM jsonb_populate_record(NULL::{{table}}, v.vals) r),
       geom = COALESCE({{geom}}, t.geom), review_state = 'published'
FROM feature_revisions v
WHERE {{filter}} AND v.id = $2 AND t.{{id}}::text = v.feature_id AND t.version = v.base_version
RETURNING t.version;

-- name: applyInsert
-- $1 the layer's fixed filter value (e.g. carrier kind) or NULL, $2 revision id; the id was reserved
-- from the table's sequence when the draft was made.
INSERT INTO {{table}} ({{id}}, {{kindcol}}{{cols}}, geom, review_state)
SELECT v.feature_id::bigint, {{kindval}}{{rcols}}, {{geom}}, 'published'
FROM feature_revisions v, jsonb_populate_record(NULL::{{table}}, v.vals) r
WHERE v.id = $2 {{kindcheck}}
RETURNING version;

-- name: applyDelete
DELETE FROM {{table}} t USING feature_revisions v
WHERE {{filter}} AND v.id = $2 AND t.{{id}}::text = v.feature_id AND t.version = v.base_version
RETURNING t.{{id}}::text AS id;

-- name: reserveId
SELECT nextval(pg_get_serial_sequence($1, 'id'))::text AS id;

-- name: checkGeometry
-- $1 GeoJSON geometry. Validity as PostGIS sees it, with the reason.
SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) x;

-- name: countyExists
SELECT EXISTS (SELECT 1 FROM admin_areas WHERE adcode = $1) AS ok;

-- name: parkExists
SELECT EXISTS (SELECT 1 FROM parks WHERE id = $1::bigint) AS ok;

-- name: codeTaken
-- $1 table name as the layer has it ('carriers' | 'amenities' | 'parks'), $2 code, $3 feature id to ignore.
SELECT (CASE $1
          WHEN 'carriers' THEN EXISTS (SELECT 1 FROM carriers WHERE code = $2 AND id::text <> $3)
          WHEN 'amenities' THEN EXISTS (SELECT 1 FROM amenities WHERE code = $2 AND id::text <> $3)
          WHEN 'parks' THEN EXISTS (SELECT 1 FROM parks WHERE code = $2 AND id::text <> $3)
          ELSE false END)
    OR EXISTS (SELECT 1 FROM feature_revisions v
               WHERE v.state = 'draft' AND v.action = 'create' AND v.vals ->> 'code' = $2 AND v.feature_id <> $3
                 AND v.layer = ANY ($4::text[])) AS taken;

-- name: openDraft
-- The feature's open draft (locked), with its author.
SELECT v.id, v.changeset_id, v.action, v.base_version, v.vals, ST_AsGeoJSON(v.geom, 7) AS geometry, v.created_at,
       v.created_by, COALESCE(NULLIF(u.display_name, ''), u.username) AS author
FROM feature_revisions v JOIN users u ON u.id = v.created_by
WHERE v.layer = $1 AND v.feature_id = $2 AND v.state = 'draft'
FOR UPDATE OF v;

-- name: lastApplied
-- Who last changed the published row.
SELECT h.actor_name, h.action, h.at, h.version
FROM feature_history h
WHERE h.layer = $1 AND h.feature_id = $2 AND h.applied
ORDER BY h.id DESC LIMIT 1;

-- name: insertChangeset
INSERT INTO feature_changesets (note, created_by) VALUES ($1, $2) RETURNING id;

-- name: supersede
UPDATE feature_revisions SET state = 'superseded' WHERE id = $1 AND state = 'draft';

-- name: dropEmptyChangeset
-- A changeset whose every revision was superseded by later edits is left as rejected-by-nobody: closed.
UPDATE feature_changesets c SET state = 'rejected', decided_at = now()
WHERE c.id = $1 AND c.state = 'draft'
  AND NOT EXISTS (SELECT 1 FROM feature_revisions v WHERE v.changeset_id = c.id AND v.state = 'draft');

-- name: insertRevision
INSERT INTO feature_revisions (changeset_id, layer, feature_id, action, base_version, vals, geom, restored_from, created_by)
VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($7), 4326) END, $8, $9)
RETURNING id;

-- name: insertHistory
-- An entry the service writes itself (drafts and rejections: the published row did not change).
INSERT INTO feature_history (layer, feature_id, action, version, applied, actor_id, actor_name, revision_id, changeset_id,
                             before, after, before_geom, after_geom)
SELECT $1, $2, $3, NULL, false, $4, COALESCE(NULLIF(u.display_name, ''), u.username), $5, $6, $7, $8,
       CASE WHEN $9::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($9), 4326) END,
       CASE WHEN $10::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($10), 4326) END
FROM users u WHERE u.id = $4;

-- name: setContext
-- Tells the history trigger who is changing rows in this transaction, and why.
SELECT set_config('app.actor_id', $1, true), set_config('app.history_action', $2, true),
       set_config('app.revision_id', $3, true), set_config('app.changeset_id', $4, true);

-- name: lockChangeset
SELECT c.id, c.state, c.note, c.created_by FROM feature_changesets c WHERE c.id = $1 FOR UPDATE;

-- name: changesetRevisions
SELECT v.id, v.layer, v.feature_id, v.action, v.base_version, v.vals, ST_AsGeoJSON(v.geom, 7) AS geometry, v.state
FROM feature_revisions v WHERE v.changeset_id = $1 AND v.state = 'draft' ORDER BY v.id;

-- name: setRevisionState
UPDATE feature_revisions SET state = $2 WHERE id = $1;

-- name: decideChangeset
UPDATE feature_changesets SET state = $2, decided_by = $3, decided_at = now() WHERE id = $1;

-- name: listChangesets
-- $1 state or NULL, $2 limit. Open changesets with their revisions and authors.
SELECT c.id, c.state, c.note, c.created_at, c.decided_at,
       COALESCE(NULLIF(u.display_name, ''), u.username) AS author,
       COALESCE(NULLIF(d.display_name, ''), d.username) AS decider,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', v.id, 'layer', v.layer, 'featureId', v.feature_id, 'action', v.action,
                                                      'state', v.state, 'vals', v.vals, 'baseVersion', v.base_version,
                                                      'geometry', ST_AsGeoJSON(v.geom, 7)::jsonb) ORDER BY v.id)
                 FROM feature_revisions v WHERE v.changeset_id = c.id AND v.state <> 'superseded'), '[]') AS revisions
FROM feature_changesets c
JOIN users u ON u.id = c.created_by
LEFT JOIN users d ON d.id = c.decided_by
WHERE ($1::text IS NULL OR c.state = $1)
ORDER BY c.id DESC
LIMIT $2;

-- name: history
-- One feature's history, newest first.
SELECT h.id, h.action, h.version, h.applied, h.actor_name, h.at, h.revision_id, h.changeset_id, h.batch_id,
       h.before, h.after, ST_AsGeoJSON(h.before_geom, 7) AS before_geom, ST_AsGeoJSON(h.after_geom, 7) AS after_geom
FROM feature_history h
WHERE h.layer = $1 AND h.feature_id = $2
ORDER BY h.id DESC
LIMIT $3;
