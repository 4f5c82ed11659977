-- Survey-import batches: staging, validation in PostGIS, commit and undo.

-- name: findCommittedByFingerprint
SELECT id FROM import_batches WHERE fingerprint = $1 AND status = 'committed' ORDER BY id DESC LIMIT 1;

-- name: insertBatch
INSERT INTO import_batches (layer, status, crs, options, files, fingerprint, created_by)
VALUES ($1, 'uploaded', $2, $3::jsonb, $4::jsonb, $5, $6)
RETURNING id;

-- name: getBatch
SELECT id, layer, status, crs, options, files, fingerprint, summary, error, created_by,
       created_at, updated_at, committed_at, undone_at, review_state, reviewed_at
FROM import_batches WHERE id = $1;

-- name: listBatches
SELECT id, layer, status, crs, files, summary, error, created_at, committed_at, undone_at, review_state, reviewed_at
FROM import_batches ORDER BY id DESC LIMIT $1;

-- name: setBatchStatus
UPDATE import_batches SET status = $2, summary = COALESCE($3::jsonb, summary), error = $4, updated_at = now(),
       committed_at = CASE WHEN $2 = 'committed' THEN now() ELSE committed_at END,
       undone_at = CASE WHEN $2 = 'undone' THEN now() ELSE undone_at END
WHERE id = $1;

-- name: clearItems
DELETE FROM import_items WHERE batch_id = $1;

-- name: stageItems
-- One statement per chunk of items: unpack the column arrays, reproject to EPSG:4326 and run every
-- per-item check, so each item is written once, with its final status and issues. The checks run
-- in this order, each only on items not rejected by an earlier one, and append their issues in
-- that order: coordinates on the globe → geometry type fits the layer → invalid polygons repaired
-- with ST_MakeValid → county and park → declared area (carriers) → insert or update (carriers).
-- Every step is a subquery with OFFSET 0, which keeps PostgreSQL from inlining it: its
-- expressions (ST_Transform, ST_IsValid, the county lookup, the jsonb they build) then run once per
-- item rather than once per later reference.
-- $1 batch; $2 geometry family of the layer: 'polygon', 'point' or 'any'; $3 items may lack a
-- geometry (photos without GPS are kept and reported, never dropped); $4 the layer is a carrier
-- layer; $5..$14 one array per column: idx, file, file_index, location, kind, status (as read),
-- then JSON arrays of issues, mapped and raw, then geometries as hex EWKB in the source CRS; $15 the
-- service-area buffer in metres; $16 what an item beyond it gets: 'reject' or 'flag'.
-- An inserted carrier's id is taken from the carriers sequence now (target_id), so the commit
-- writes it directly and undo knows it without a second pass.
INSERT INTO import_items (batch_id, idx, file, file_index, location, kind, status, issues, mapped, raw, geom, action, target_id)
WITH src AS (
  SELECT u.idx, u.file, u.file_index, u.location, u.kind, u.status, u.issues, u.mapped, u.raw,
         ST_Transform(u.ewkb::geometry, 4326) AS geom
  FROM ROWS FROM (unnest($5::int[]), unnest($6::text[]), unnest($7::int[]), unnest($8::text[]), unnest($9::text[]),
                  unnest($10::text[]), jsonb_array_elements($11::jsonb), jsonb_array_elements($12::jsonb),
                  jsonb_array_elements($13::jsonb), unnest($14::text[]))
       AS u(idx, file, file_index, location, kind, status, issues, mapped, raw, ewkb)
  OFFSET 0
), shaped AS (
  -- Reprojected coordinates must be on the globe.
  SELECT s.*, CASE WHEN s.geom IS NOT NULL THEN GeometryType(s.geom) END AS gtype,
         s.status <> 'rejected' AND s.geom IS NOT NULL
           AND (ST_XMin(s.geom) < -180 OR ST_XMax(s.geom) > 180 OR ST_YMin(s.geom) < -90 OR ST_YMax(s.geom) > 90) AS off_globe
  FROM src s
  OFFSET 0
), typed AS (
  -- The geometry type must fit the layer.
  SELECT h.*, NOT h.off_globe AND h.status <> 'rejected' AND NOT ($3::boolean AND h.geom IS NULL)
           AND (h.geom IS NULL OR ST_IsEmpty(h.geom)
                OR ($2::text = 'polygon' AND h.gtype NOT IN ('POLYGON', 'MULTIPOLYGON'))
                OR ($2::text = 'point' AND h.gtype <> 'POINT')) AS wrong_type
  FROM shaped h
  OFFSET 0
), checked AS (
  SELECT t.idx, t.file, t.file_index, t.location, t.kind, t.mapped, t.raw, t.geom, t.gtype,
         CASE WHEN t.off_globe OR t.wrong_type THEN 'rejected' ELSE t.status END AS status,
         t.issues || CASE
           WHEN t.off_globe THEN jsonb_build_array(jsonb_build_object('file', t.file, 'index', t.file_index, 'where', t.location,
             'field', 'geometry', 'value', ST_AsText(ST_Envelope(t.geom)),
             'severity', 'error', 'code', 'off_globe', 'message', 'coordinates outside -180..180 / -90..90 after reprojection: check the CRS (--crs)'))
           WHEN t.wrong_type THEN jsonb_build_array(jsonb_build_object('file', t.file, 'index', t.file_index, 'where', t.location,
             'field', 'geometry', 'value', t.gtype, 'severity', 'error',
             'code', CASE WHEN t.geom IS NULL OR ST_IsEmpty(t.geom) THEN 'no_geometry' ELSE 'wrong_geometry_type' END,
             'params', jsonb_build_object('type', t.gtype, 'needs', $2::text),
             'message', CASE WHEN t.geom IS NULL OR ST_IsEmpty(t.geom) THEN 'no geometry'
                             ELSE 'geometry type ' || t.gtype || ' does not fit this layer (needs ' || $2::text || ')' END))
           ELSE '[]'::jsonb END AS issues,
         -- GEOS's reason for an invalid polygon (NULL when valid or not checked).
         CASE WHEN NOT (t.off_globe OR t.wrong_type) AND t.status <> 'rejected' AND t.gtype IN ('POLYGON', 'MULTIPOLYGON')
                   AND NOT ST_IsValid(t.geom) THEN ST_IsValidReason(t.geom) END AS reason
  FROM typed t
  OFFSET 0
), repairs AS (
  -- Invalid polygons are repaired with ST_MakeValid (structure method keeps the outline) and a
  -- warning names GEOS's reason; a repair that leaves no area rejects the item.
  SELECT c.*, CASE WHEN c.reason IS NOT NULL THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(c.geom, 'method=structure'), 3)) END AS fixed
  FROM checked c
  OFFSET 0
), repaired AS (
  SELECT r.idx, r.file, r.file_index, r.location, r.kind, r.mapped, r.raw,
         CASE WHEN r.reason IS NULL OR ST_IsEmpty(r.fixed) THEN r.geom ELSE r.fixed END AS geom,
         CASE WHEN r.reason IS NULL THEN r.status WHEN ST_IsEmpty(r.fixed) THEN 'rejected' ELSE 'warning' END AS status,
         CASE WHEN r.reason IS NULL THEN r.issues
              ELSE r.issues || jsonb_build_array(jsonb_build_object('file', r.file, 'index', r.file_index, 'where', r.location,
                'field', 'geometry', 'value', r.reason, 'severity', CASE WHEN ST_IsEmpty(r.fixed) THEN 'error' ELSE 'warning' END,
                'code', CASE WHEN ST_IsEmpty(r.fixed) THEN 'geometry_unrepairable' ELSE 'geometry_repaired' END, 'params', jsonb_build_object('reason', r.reason),
                'message', CASE WHEN ST_IsEmpty(r.fixed) THEN 'invalid geometry (' || r.reason || ') cannot be repaired'
                                ELSE 'invalid geometry (' || r.reason || ') repaired with ST_MakeValid' END)) END AS issues
  FROM repairs r
  OFFSET 0
), located AS (
  -- County (by the item's point on surface) and park; outside Dazhou is a warning, not an error.
  SELECT r.*, CASE WHEN $2::text <> 'any' AND r.status <> 'rejected' AND r.geom IS NOT NULL THEN ST_PointOnSurface(r.geom) END AS pt
  FROM repaired r
  OFFSET 0
), placed AS (
  SELECT l.*,
         (SELECT a.adcode FROM admin_areas a WHERE l.pt IS NOT NULL AND a.level = 'county' AND ST_Intersects(a.geom, l.pt) LIMIT 1) AS county,
         (SELECT pk.id FROM parks pk WHERE l.pt IS NOT NULL AND ST_Intersects(pk.geom, l.pt) ORDER BY pk.id LIMIT 1) AS park
  FROM located l
  OFFSET 0
), zoned AS (
  -- Service area: the county-level units plus $15 metres. Items outside every county are measured
  -- (geodesic distance to the nearest county); beyond the buffer a carrier or amenity is rejected
  -- ($16 = 'reject'), a photo or track kept for staff and flagged, never published ($16 = 'flag').
  -- No county boundaries loaded → no service area, nothing measured.
  SELECT p.*, CASE WHEN p.status <> 'rejected' AND p.geom IS NOT NULL AND NOT ST_IsEmpty(p.geom) AND p.county IS NULL
                        AND NOT EXISTS (SELECT 1 FROM admin_areas a WHERE a.level = 'county' AND ST_Intersects(a.geom, p.geom))
                   THEN (SELECT min(ST_Distance(a.geom::geography, p.geom::geography)) FROM admin_areas a WHERE a.level = 'county') END AS dist_m
  FROM placed p
  OFFSET 0
), settled AS (
  SELECT p.idx, p.file, p.file_index, p.location, p.kind, p.raw, p.geom,
         CASE WHEN p.pt IS NULL THEN p.mapped
              ELSE p.mapped || jsonb_build_object('county_adcode', COALESCE(p.mapped->>'county_adcode', p.county), 'park_id', p.park) END
           || CASE WHEN p.dist_m > $15::float8 AND $16::text = 'flag' THEN '{"outside_service_area": true}'::jsonb ELSE '{}'::jsonb END AS mapped,
         CASE WHEN p.dist_m > $15::float8 AND $16::text = 'reject' THEN 'rejected'
              WHEN ((p.pt IS NOT NULL AND p.county IS NULL) OR p.dist_m > $15::float8) AND p.status = 'valid' THEN 'warning'
              ELSE p.status END AS status,
         p.issues || CASE
           WHEN p.dist_m > $15::float8 THEN jsonb_build_array(jsonb_build_object('file', p.file, 'index', p.file_index, 'where', p.location,
             'field', 'geometry', 'value', ST_AsText(ST_PointOnSurface(p.geom)), 'severity', CASE WHEN $16::text = 'reject' THEN 'error' ELSE 'warning' END,
             'code', CASE WHEN $16::text = 'reject' THEN 'outside_service_area' ELSE 'outside_service_area_kept' END,
             'params', jsonb_build_object('feature', COALESCE(p.mapped->>'code', p.mapped->>'name', p.location), 'km', round((p.dist_m / 1000)::numeric, 1),
                                          'bufferKm', round(($15::float8 / 1000)::numeric, 1)),
             'message', COALESCE(p.mapped->>'code', p.mapped->>'name', p.location) || ' lies ' || round((p.dist_m / 1000)::numeric, 1)
                        || ' km outside the service area (Dazhou''s county-level units + ' || round(($15::float8 / 1000)::numeric, 1) || ' km)'
                        || CASE WHEN $16::text = 'reject' THEN '' ELSE '; kept for staff, never published' END))
           WHEN p.pt IS NOT NULL AND p.county IS NULL
           THEN jsonb_build_array(jsonb_build_object('file', p.file, 'index', p.file_index, 'where', p.location,
             'field', 'geometry', 'value', ST_AsText(p.pt), 'severity', 'warning', 'code', 'outside_counties',
             'message', 'outside the 7 county-level units of Dazhou'))
           ELSE '[]'::jsonb END AS issues
  FROM zoned p
  OFFSET 0
), measured AS (
  -- A declared area (面积 / MJ …) that differs from the measured one by more than 5 % is worth a look.
  SELECT s.*, (s.mapped->>'area_declared_m2')::float8 AS declared,
         CASE WHEN $4::boolean AND s.status <> 'rejected' AND s.geom IS NOT NULL AND (s.mapped->>'area_declared_m2') IS NOT NULL
                   AND GeometryType(s.geom) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_Area(s.geom::geography) END AS area
  FROM settled s
  OFFSET 0
), judged AS (
  SELECT m.*, m.area > 0 AND abs(m.declared / m.area - 1) > 0.05 AS area_differs FROM measured m OFFSET 0
)
SELECT $1, j.idx, j.file, j.file_index, j.location, j.kind,
       CASE WHEN j.area_differs AND j.status = 'valid' THEN 'warning' ELSE j.status END,
       j.issues || CASE WHEN j.area_differs
         THEN jsonb_build_array(jsonb_build_object('file', j.file, 'index', j.file_index, 'where', j.location,
           'field', 'area', 'value', round((j.mapped->>'area_declared_m2')::numeric, 2), 'severity', 'warning', 'code', 'area_differs',
           'params', jsonb_build_object('declared', round((j.mapped->>'area_declared_m2')::numeric), 'measured', round(j.area::numeric),
                                        'pct', round((abs(j.declared / j.area - 1) * 100)::numeric, 1)),
           'message', 'declared area ' || round((j.mapped->>'area_declared_m2')::numeric) || ' m² differs from the measured '
                      || round(j.area::numeric) || ' m² by ' || round((abs(j.declared / j.area - 1) * 100)::numeric, 1) || ' %'))
         ELSE '[]'::jsonb END,
       j.mapped, j.raw, j.geom,
       -- Same parcel code as an existing carrier → update, not a second row.
       CASE WHEN $4::boolean AND j.status <> 'rejected' THEN CASE WHEN c.id IS NULL THEN 'insert' ELSE 'update' END END,
       CASE WHEN $4::boolean AND j.status <> 'rejected' THEN COALESCE(c.id, nextval('carriers_id_seq')) END
FROM judged j LEFT JOIN carriers c ON $4::boolean AND c.code = j.mapped->>'code';

-- name: rejectDuplicateCodes
-- Two items of one batch with the same code: the later ones are rejected, and neither inserted
-- nor updated. $2: the codes that occur more than once in the upload (the others cannot clash).
UPDATE import_items i SET status = 'rejected', action = NULL, target_id = NULL,
  issues = i.issues || jsonb_build_array(jsonb_build_object('file', i.file, 'index', i.file_index, 'where', i.location,
    'field', 'code', 'value', i.mapped->>'code', 'severity', 'error', 'code', 'duplicate_code', 'message', 'duplicate parcel code within this upload'))
FROM (SELECT idx, row_number() OVER (PARTITION BY mapped->>'code' ORDER BY idx) AS n
      FROM import_items WHERE batch_id = $1 AND status <> 'rejected' AND mapped->>'code' = ANY($2::text[])) d
WHERE i.batch_id = $1 AND i.idx = d.idx AND d.n > 1;

-- name: summary
SELECT count(*) AS total,
       count(*) FILTER (WHERE status = 'valid') AS valid,
       count(*) FILTER (WHERE status = 'warning') AS warnings,
       count(*) FILTER (WHERE status = 'rejected') AS rejected,
       count(*) FILTER (WHERE action = 'update' AND status <> 'rejected') AS updates
FROM import_items WHERE batch_id = $1;

-- name: listItems
SELECT idx, file, file_index, location, kind, status, issues, mapped, action, target_id,
       CASE WHEN geom IS NULL THEN NULL ELSE ST_AsGeoJSON(geom, 7) END AS geometry,
       CASE WHEN geom IS NULL THEN NULL WHEN GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')
            THEN ST_Area(geom::geography) END AS area_m2
FROM import_items WHERE batch_id = $1 ORDER BY idx LIMIT $2 OFFSET $3;

-- name: issues
SELECT idx, file, file_index, location, status, issues FROM import_items
WHERE batch_id = $1 AND jsonb_array_length(issues) > 0 ORDER BY idx LIMIT $2;

-- name: rememberPrevious
UPDATE import_items i SET previous = to_jsonb(c) - 'geom_m' - 'area_m2' - 'geom' || jsonb_build_object('geom', ST_AsEWKT(c.geom))
FROM carriers c
WHERE i.batch_id = $1 AND i.action = 'update' AND i.status <> 'rejected' AND c.id = i.target_id;

-- name: insertCarriers
-- $2 kind ('land' | 'factory' | 'office'). Ids were taken from the sequence while staging (target_id).
INSERT INTO carriers (id, code, kind, name, park_id, county_adcode, status, review_state, land_use, allowed_industries,
                        price, price_unit, floors, floor_area_m2, floor_load_kn_m2, clear_height_m, building_height_m,
                        plot_ratio_min, plot_ratio_max, building_coefficient_pct, investment_intensity_wan_per_mu,
                        output_per_mu_wan, tax_per_mu_wan, power_kva, water_t_per_day, gas, ownership,
                        contact_name, contact_phone, available_from, description, name_en, description_en, geom, batch_id)
  SELECT i.target_id, m.code, $2, COALESCE(m.name, m.code), m.park_id, m.county_adcode, COALESCE(m.status, 'available'), 'draft', m.land_use,
         COALESCE(ARRAY(SELECT jsonb_array_elements_text(i.mapped->'allowed_industries')), '{}'),
         m.price, m.price_unit, m.floors, m.floor_area_m2, m.floor_load_kn_m2, m.clear_height_m, m.building_height_m,
         m.plot_ratio_min, m.plot_ratio_max, m.building_coefficient_pct, m.investment_intensity_wan_per_mu,
         m.output_per_mu_wan, m.tax_per_mu_wan, m.power_kva, m.water_t_per_day, m.gas, m.ownership,
         m.contact_name, m.contact_phone, m.available_from, m.description, m.name_en, m.description_en, ST_Multi(i.geom), $1
  FROM import_items i,
       jsonb_to_record(i.mapped) AS m(code text, name text, park_id bigint, county_adcode text, status text, land_use text,
         price numeric, price_unit text, floors int, floor_area_m2 float8, floor_load_kn_m2 float8, clear_height_m float8,
         building_height_m float8, plot_ratio_min float8, plot_ratio_max float8, building_coefficient_pct float8,
         investment_intensity_wan_per_mu float8, output_per_mu_wan float8, tax_per_mu_wan float8, power_kva float8,
         water_t_per_day float8, gas boolean, ownership text, contact_name text, contact_phone text,
         available_from date, description text, name_en text, description_en text)
  WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.action = 'insert';

-- name: updateCarriers
UPDATE carriers c SET
  name = COALESCE(m.name, c.name), park_id = COALESCE(m.park_id, c.park_id), county_adcode = COALESCE(m.county_adcode, c.county_adcode),
  status = COALESCE(m.status, c.status), review_state = 'draft', land_use = COALESCE(m.land_use, c.land_use),
  price = COALESCE(m.price, c.price), price_unit = COALESCE(m.price_unit, c.price_unit),
  plot_ratio_min = COALESCE(m.plot_ratio_min, c.plot_ratio_min), plot_ratio_max = COALESCE(m.plot_ratio_max, c.plot_ratio_max),
  building_coefficient_pct = COALESCE(m.building_coefficient_pct, c.building_coefficient_pct),
  investment_intensity_wan_per_mu = COALESCE(m.investment_intensity_wan_per_mu, c.investment_intensity_wan_per_mu),
  output_per_mu_wan = COALESCE(m.output_per_mu_wan, c.output_per_mu_wan), tax_per_mu_wan = COALESCE(m.tax_per_mu_wan, c.tax_per_mu_wan),
  power_kva = COALESCE(m.power_kva, c.power_kva), water_t_per_day = COALESCE(m.water_t_per_day, c.water_t_per_day),
  gas = COALESCE(m.gas, c.gas), ownership = COALESCE(m.ownership, c.ownership),
  contact_name = COALESCE(m.contact_name, c.contact_name), contact_phone = COALESCE(m.contact_phone, c.contact_phone),
  description = COALESCE(m.description, c.description),
  name_en = COALESCE(m.name_en, c.name_en), description_en = COALESCE(m.description_en, c.description_en),
  floors = COALESCE(m.floors, c.floors), floor_area_m2 = COALESCE(m.floor_area_m2, c.floor_area_m2),
  floor_load_kn_m2 = COALESCE(m.floor_load_kn_m2, c.floor_load_kn_m2), clear_height_m = COALESCE(m.clear_height_m, c.clear_height_m),
  building_height_m = COALESCE(m.building_height_m, c.building_height_m), available_from = COALESCE(m.available_from, c.available_from),
  allowed_industries = CASE WHEN i.mapped ? 'allowed_industries' THEN ARRAY(SELECT jsonb_array_elements_text(i.mapped->'allowed_industries'))
                            ELSE c.allowed_industries END,
  geom = ST_Multi(i.geom), batch_id = $1, updated_at = now()
FROM import_items i,
     jsonb_to_record(i.mapped) AS m(name text, park_id bigint, county_adcode text, status text, land_use text, price numeric,
       price_unit text, plot_ratio_min float8, plot_ratio_max float8, building_coefficient_pct float8,
       investment_intensity_wan_per_mu float8, output_per_mu_wan float8, tax_per_mu_wan float8, power_kva float8,
       water_t_per_day float8, gas boolean, ownership text, contact_name text, contact_phone text, description text,
       floors int, floor_area_m2 float8, floor_load_kn_m2 float8, clear_height_m float8, building_height_m float8, available_from date,
       name_en text, description_en text)
WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.action = 'update' AND c.id = i.target_id;

-- name: insertAmenities
INSERT INTO amenities (code, kind, name, county_adcode, address, review_state, geom, batch_id)
-- $1 is typed once as bigint: used both in text (the generated code) and against batch_id.
SELECT COALESCE(i.mapped->>'code', 'IMP-' || $1::bigint::text || '-' || i.idx), i.mapped->>'kind', COALESCE(i.mapped->>'name', i.mapped->>'kind'),
       i.mapped->>'county_adcode', i.mapped->>'address', 'draft', i.geom, $1::bigint
FROM import_items i WHERE i.batch_id = $1::bigint AND i.status <> 'rejected'
ORDER BY i.idx;

-- name: insertTracks
INSERT INTO tracks (batch_id, kind, name, file_name, properties, review_state, geom, outside_service_area)
-- A feature of a GeoJSON, Shapefile or KML file is a track when it is a line, a point otherwise.
SELECT $1, CASE WHEN i.kind IN ('track', 'route', 'waypoint', 'point') THEN i.kind
                WHEN GeometryType(i.geom) IN ('POINT', 'MULTIPOINT') THEN 'point' ELSE 'track' END,
       i.mapped->>'name', i.file, i.raw, 'draft', i.geom, COALESCE((i.mapped->>'outside_service_area')::boolean, false)
FROM import_items i WHERE i.batch_id = $1 AND i.status <> 'rejected'
ORDER BY i.idx;

-- name: undoInserts
DELETE FROM carriers c USING import_items i
WHERE i.batch_id = $1 AND i.action = 'insert' AND c.id = i.target_id AND c.batch_id = $1;

-- name: undoUpdates
UPDATE carriers c SET
  name = p.name, park_id = p.park_id, county_adcode = p.county_adcode, status = p.status, review_state = p.review_state,
  land_use = p.land_use, price = p.price, price_unit = p.price_unit, plot_ratio_min = p.plot_ratio_min,
  plot_ratio_max = p.plot_ratio_max, building_coefficient_pct = p.building_coefficient_pct,
  investment_intensity_wan_per_mu = p.investment_intensity_wan_per_mu, output_per_mu_wan = p.output_per_mu_wan,
  tax_per_mu_wan = p.tax_per_mu_wan, power_kva = p.power_kva, water_t_per_day = p.water_t_per_day, gas = p.gas,
  ownership = p.ownership, contact_name = p.contact_name, contact_phone = p.contact_phone, description = p.description,
  name_en = p.name_en, description_en = p.description_en,
  floors = p.floors, floor_area_m2 = p.floor_area_m2, floor_load_kn_m2 = p.floor_load_kn_m2, clear_height_m = p.clear_height_m,
  building_height_m = p.building_height_m, available_from = p.available_from, allowed_industries = p.allowed_industries,
  geom = ST_GeomFromEWKT(i.previous->>'geom'), batch_id = p.batch_id, updated_at = now()
FROM import_items i, jsonb_populate_record(NULL::carriers, i.previous - 'geom') AS p
WHERE i.batch_id = $1 AND i.action = 'update' AND i.previous IS NOT NULL AND c.id = i.target_id;

-- name: undoAmenities
DELETE FROM amenities WHERE batch_id = $1;

-- name: undoTracks
DELETE FROM tracks WHERE batch_id = $1;

-- name: undoPhotos
DELETE FROM photos WHERE batch_id = $1;

-- name: setReviewState
-- Reviewer verifies or publishes a batch's features: all of them ($3 NULL), or the carriers and
-- amenities among them with the codes $3 (text[]; the batch's own review state is then left as
-- it is, since the rest of the batch was not reviewed). $2 state.
WITH b AS (UPDATE import_batches SET review_state = $2, reviewed_at = now(), updated_at = now() WHERE id = $1 AND $3::text[] IS NULL RETURNING 1),
     c AS (UPDATE carriers SET review_state = $2, updated_at = now() WHERE batch_id = $1 AND ($3::text[] IS NULL OR code = ANY ($3::text[])) RETURNING 1),
     a AS (UPDATE amenities SET review_state = $2 WHERE batch_id = $1 AND ($3::text[] IS NULL OR code = ANY ($3::text[])) RETURNING 1),
     -- Photos and tracks outside the service area are never published (they stay as they are).
     t AS (UPDATE tracks SET review_state = $2 WHERE batch_id = $1 AND $3::text[] IS NULL AND NOT ($2 = 'published' AND outside_service_area) RETURNING 1),
     p AS (UPDATE photos SET review_state = $2 WHERE batch_id = $1 AND $3::text[] IS NULL AND NOT ($2 = 'published' AND outside_service_area) RETURNING 1)
SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM a) + (SELECT count(*) FROM t) + (SELECT count(*) FROM p) AS n;

-- name: insertPhotos
-- Photos staged by the photo reader: metadata in `mapped`, position in `geom`, footprint as GeoJSON.
INSERT INTO photos (batch_id, sha256, file_name, is_panorama, taken_at, make, model, width, height, focal_mm, altitude_m,
                    rel_altitude_m, gimbal_yaw, gimbal_pitch, flight_yaw, heading, exif, review_state, geom, footprint, footprint_note,
                    outside_service_area)
SELECT $1, r.sha256, i.file, COALESCE(r.is_panorama, false), r.taken_at, r.make, r.model, r.width, r.height, r.focal_mm, r.altitude_m,
       r.rel_altitude_m, r.gimbal_yaw, r.gimbal_pitch, r.flight_yaw, r.heading, COALESCE(r.exif, '{}'), 'draft',
       CASE WHEN GeometryType(i.geom) = 'POINT' THEN i.geom END,
       CASE WHEN r.footprint IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(r.footprint), 4326) END,
       r.footprint_note, COALESCE(r.outside_service_area, false)
FROM import_items i,
     jsonb_to_record(i.mapped) AS r(sha256 text, is_panorama boolean, taken_at text, make text, model text,
       width int, height int, focal_mm float8, altitude_m float8, rel_altitude_m float8, gimbal_yaw float8, gimbal_pitch float8,
       flight_yaw float8, heading float8, exif jsonb, footprint jsonb, footprint_note text, outside_service_area boolean)
WHERE i.batch_id = $1 AND i.status <> 'rejected'
ORDER BY i.idx
ON CONFLICT (sha256) DO NOTHING;

-- name: linkPhotos
-- A photo looks at the carrier under its footprint's centre (or under it), else the park it is in.
UPDATE photos ph SET
  carrier_id = (SELECT c.id FROM carriers c WHERE ST_Intersects(c.geom, COALESCE(ST_Centroid(ph.footprint), ph.geom)) ORDER BY c.id LIMIT 1),
  park_id = (SELECT p.id FROM parks p WHERE ST_Intersects(p.geom, COALESCE(ST_Centroid(ph.footprint), ph.geom)) ORDER BY p.id LIMIT 1)
WHERE ph.batch_id = $1 AND ph.geom IS NOT NULL;

-- name: recoverInterrupted
-- Batches left half-staged by a killed server or CLI: mark them failed and drop their staged
-- items (nothing of them was committed: commit is one transaction). $1: minimum age in seconds.
WITH stale AS (
  UPDATE import_batches SET status = 'failed', error = 'interrupted while staging (process stopped); upload the files again',
         updated_at = now()
  WHERE status IN ('uploaded', 'parsed') AND updated_at < now() - make_interval(secs => $1)
  RETURNING id
), dropped AS (
  DELETE FROM import_items i USING stale WHERE i.batch_id = stale.id
)
SELECT id FROM stale;

-- name: touchBatch
-- Heartbeat of a batch being read and staged: recovery leaves batches alone while it moves.
UPDATE import_batches SET updated_at = now() WHERE id = $1 AND status IN ('uploaded', 'parsed');

-- name: deleteBatch
-- Staff delete a failed batch or one never committed (validated); its staged items go with it
-- (ON DELETE CASCADE). Returns its files (for the asset store), nothing when not deletable.
DELETE FROM import_batches WHERE id = $1 AND status IN ('failed', 'validated') RETURNING files;

-- name: referencedOriginals
-- Which of the hashes $1 (text[]) something still points at: an import batch (other than $2, a
-- batch whose refused files are being dropped), a photo or panorama, a 3D tileset (its zip or any
-- file in it), an OSGB conversion job (its zip), a BIM model (its upload or its GLB). Every column of the schema that names a
-- stored file must be here (test/import.test.ts checks).
SELECT DISTINCT h FROM unnest($1::text[]) AS h
WHERE h IN (
  SELECT f->>'sha256' FROM import_batches b, jsonb_array_elements(b.files) f WHERE b.id IS DISTINCT FROM $2::bigint
  UNION ALL SELECT sha256 FROM photos
  UNION ALL SELECT source_sha256 FROM tilesets WHERE source_sha256 IS NOT NULL
  UNION ALL SELECT sha256 FROM tileset_entries
  UNION ALL SELECT source_sha256 FROM bim_models
  UNION ALL SELECT glb_sha256 FROM bim_models
  UNION ALL SELECT sha256 FROM policy_images
  UNION ALL SELECT source_sha256 FROM imagery
  UNION ALL SELECT source_sha256 FROM tileset_jobs
);

-- name: claimForRemap
-- A validated batch is re-staged with a new field mapping: it takes the new options and
-- fingerprint and goes back to 'parsed' (recovery watches it like any batch being staged).
-- Nothing when another request changed the batch first.
UPDATE import_batches SET status = 'parsed', options = $2::jsonb, fingerprint = $3, error = NULL, updated_at = now()
WHERE id = $1 AND status = 'validated'
RETURNING id;
