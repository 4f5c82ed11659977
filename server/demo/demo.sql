-- What the demo writes itself: the reference data no service can write as the demo has it
-- (county boundaries, parks; why: demo.repository.ts),
-- and, after its carriers and amenities went through the survey import, the replacement of the
-- import's history by the demo's generated past. Bulk statements take one JSON array parameter so
-- a whole table is one round trip; geometries arrive as GeoJSON in EPSG:4326.

-- name: state
-- empty: nothing of the demo or of a user yet; reference: the demo's counties and parks are in
-- (a first start stopped part-way, resumed); seeded: the demo data was loaded.
SELECT NOT EXISTS (SELECT 1 FROM admin_areas) AND NOT EXISTS (SELECT 1 FROM parks)
   AND NOT EXISTS (SELECT 1 FROM carriers) AND NOT EXISTS (SELECT 1 FROM amenities) AS empty,
   EXISTS (SELECT 1 FROM settings WHERE key = 'demo_reference') AS reference,
   EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS seeded;

-- name: insertAdminAreas
INSERT INTO admin_areas (adcode, name_zh, name_en, level, parent_adcode, source, geom)
SELECT r.adcode, r.name_zh, r.name_en, r.level, NULL, r.source,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)), 3))
FROM jsonb_to_recordset($1::jsonb) AS r(adcode text, name_zh text, name_en text, level text, source text, geom jsonb)
ORDER BY r.level, r.adcode;

-- name: linkAdminParents
UPDATE admin_areas a SET parent_adcode = r.parent_adcode
FROM jsonb_to_recordset($1::jsonb) AS r(adcode text, parent_adcode text)
WHERE a.adcode = r.adcode AND r.parent_adcode IS NOT NULL;

-- name: insertParks
INSERT INTO parks (code, name_zh, name_en, short_name_zh, short_name_en, aliases, county_adcode, park_level,
                   leading_industries, intro_zh, intro_en, established_year, contact_name, contact_phone, review_state, geom)
SELECT r.code, r.name_zh, r.name_en, r.short_name_zh, r.short_name_en,
       ARRAY(SELECT jsonb_array_elements_text(coalesce(r.aliases, '[]'))), r.county_adcode, r.park_level,
       ARRAY(SELECT jsonb_array_elements_text(r.leading_industries)), r.intro_zh, r.intro_en,
       r.established_year, r.contact_name, r.contact_phone, r.review_state,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)), 3))
FROM jsonb_to_recordset($1::jsonb) AS r(code text, name_zh text, name_en text, short_name_zh text, short_name_en text,
     aliases jsonb, county_adcode text, park_level text,
     leading_industries jsonb, intro_zh text, intro_en text, established_year int, contact_name text,
     contact_phone text, review_state text, geom jsonb);

-- name: markReference
INSERT INTO settings (key, value) VALUES ('demo_reference', $1::jsonb)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();

-- The demo's past replaces what its import wrote (demo.repository.ts, replacePast): one
-- transaction, in which the version bump and the history trigger of 010/020 and the append-only
-- guard of feature_history are off for the demo's own statements only. ALTER TABLE … DISABLE
-- TRIGGER is transactional and locks the tables against other writers until the end: the
-- transaction turns them on again before it commits, a rollback undoes it. Only the tables' owner
-- (the role that ran the migrations) may do it. Every other trigger (tiles, stored distances,
-- site finder, statistics) runs as for any write.
-- name: suspendHistoryTriggers
ALTER TABLE carriers DISABLE TRIGGER carriers_version, DISABLE TRIGGER carriers_history_upd;
-- name: suspendAmenityHistoryTriggers
ALTER TABLE amenities DISABLE TRIGGER amenities_version, DISABLE TRIGGER amenities_history_upd;
-- name: suspendAppendOnly
ALTER TABLE feature_history DISABLE TRIGGER feature_history_no_update;
-- name: resumeHistoryTriggers
ALTER TABLE carriers ENABLE TRIGGER carriers_version, ENABLE TRIGGER carriers_history_upd;
-- name: resumeAmenityHistoryTriggers
ALTER TABLE amenities ENABLE TRIGGER amenities_version, ENABLE TRIGGER amenities_history_upd;
-- name: resumeAppendOnly
ALTER TABLE feature_history ENABLE TRIGGER feature_history_no_update;

-- name: dropImportHistory
-- The entries the demo's import batches ($1 bigint[]) left: the import of every row and the
-- reviews (verify, publish). Nothing else writes entries with those batches.
DELETE FROM feature_history WHERE batch_id = ANY ($1::bigint[]);

-- name: setCarrierPast
-- What each demo carrier's past left on its row (demo-history.ts): creation time, last change,
-- version after the last step, date of the last status change. $2: the demo's import batches.
UPDATE carriers c SET created_at = r.created_at, updated_at = r.updated_at, version = r.version, status_date = r.status_date
FROM jsonb_to_recordset($1::jsonb) AS r(code text, created_at timestamptz, updated_at timestamptz, version int, status_date date)
WHERE c.code = r.code AND c.batch_id = ANY ($2::bigint[]);

-- name: resetAmenityVersions
-- The demo's amenities have no past: version 1, as inserted.
UPDATE amenities SET version = 1 WHERE batch_id = ANY ($1::bigint[]) AND version <> 1;

-- name: insertCarrierHistory
-- The demo carriers' past (demo-history.ts) in one statement, shaped as the history trigger of 010
-- writes a published edit: the creation entry holds the whole row as it was then (the row now,
-- history_values, with the generated earlier values on top) and its geometry; each later entry the
-- changed columns before and after, with the row version after it. Applied, so the statistics read
-- it exactly like real history.
INSERT INTO feature_history (layer, feature_id, action, version, applied, actor_id, actor_name, at, before, after, after_geom)
SELECT carrier_layer(c.kind), c.id::text, 'publish', e.version, true, NULL, $2::text, e.at, e.before,
       CASE WHEN e.created THEN history_values(to_jsonb(c)) || e.after ELSE e.after END,
       CASE WHEN e.created THEN c.geom END
FROM jsonb_to_recordset($1::jsonb) AS e(code text, created boolean, version int, at timestamptz, before jsonb, after jsonb)
JOIN carriers c ON c.code = e.code
ORDER BY e.at, c.id;

-- name: markSeeded
INSERT INTO settings (key, value) VALUES ('demo_seeded', $1::jsonb)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();
