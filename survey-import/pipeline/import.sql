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
-- $2: JSON array of {idx, file, file_index, location, kind, status, issues, mapped, raw, geom (GeoJSON), srid}.
-- Geometries are reprojected to EPSG:4326 here, by PostGIS.
INSERT INTO import_items (batch_id, idx, file, file_index, location, kind, status, issues, mapped, raw, geom)
SELECT $1, r.idx, r.file, r.file_index, r.location, r.kind, r.status, r.issues, r.mapped, r.raw,
       CASE WHEN r.geom IS NULL THEN NULL
            ELSE ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(r.geom)), r.srid), 4326) END
FROM jsonb_to_recordset($2::jsonb) AS r(idx int, file text, file_index int, location text, kind text, status text,
     issues jsonb, mapped jsonb, raw jsonb, geom jsonb, srid int);

-- name: validateCoordinates
-- Reprojected coordinates must be on the globe.
UPDATE import_items SET status = 'rejected',
       issues = issues || jsonb_build_array(jsonb_build_object('file', file, 'index', file_index, 'where', location,
         'field', 'geometry', 'value', ST_AsText(ST_Envelope(geom)),
         'severity', 'error', 'message', 'coordinates outside -180..180 / -90..90 after reprojection: check the CRS (--crs)'))
WHERE batch_id = $1 AND geom IS NOT NULL AND status <> 'rejected'
  AND (ST_XMin(geom) < -180 OR ST_XMax(geom) > 180 OR ST_YMin(geom) < -90 OR ST_YMax(geom) > 90);

-- name: validateGeometryType
-- $2: allowed geometry type family: 'polygon', 'point' or 'any'; $3: items may lack a geometry
-- (photos without GPS are kept and reported, never dropped).
UPDATE import_items SET status = 'rejected',
       issues = issues || jsonb_build_array(jsonb_build_object('file', file, 'index', file_index, 'where', location,
         'field', 'geometry', 'value', CASE WHEN geom IS NULL THEN NULL ELSE GeometryType(geom) END, 'severity', 'error',
         'message', CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN 'no geometry'
                         ELSE 'geometry type ' || GeometryType(geom) || ' does not fit this layer (needs ' || $2 || ')' END))
WHERE batch_id = $1 AND status <> 'rejected' AND NOT ($3::boolean AND geom IS NULL)
  AND (geom IS NULL OR ST_IsEmpty(geom)
       OR ($2 = 'polygon' AND GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON'))
       OR ($2 = 'point' AND GeometryType(geom) <> 'POINT'));

-- name: repairInvalid
-- Invalid polygons are repaired with ST_MakeValid (structure method keeps the outline) and a
-- warning names GEOS's reason; a repair that leaves no area rejects the item.
WITH bad AS (
  SELECT idx, ST_IsValidReason(geom) AS reason,
         ST_Multi(ST_CollectionExtract(ST_MakeValid(geom, 'method=structure'), 3)) AS fixed
  FROM import_items
  WHERE batch_id = $1 AND status <> 'rejected' AND geom IS NOT NULL
    AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') AND NOT ST_IsValid(geom)
)
UPDATE import_items i SET
  geom = CASE WHEN ST_IsEmpty(b.fixed) THEN i.geom ELSE b.fixed END,
  status = CASE WHEN ST_IsEmpty(b.fixed) THEN 'rejected' ELSE 'warning' END,
  issues = i.issues || jsonb_build_array(jsonb_build_object('file', i.file, 'index', i.file_index, 'where', i.location,
    'field', 'geometry', 'value', b.reason, 'severity', CASE WHEN ST_IsEmpty(b.fixed) THEN 'error' ELSE 'warning' END,
    'message', CASE WHEN ST_IsEmpty(b.fixed) THEN 'invalid geometry (' || b.reason || ') cannot be repaired'
                    ELSE 'invalid geometry (' || b.reason || ') repaired with ST_MakeValid' END))
FROM bad b WHERE i.batch_id = $1 AND i.idx = b.idx;

-- name: assignPlaces
-- County (by the item's point on surface) and park; outside Dazhou is a warning, not an error.
UPDATE import_items i SET
  mapped = i.mapped || jsonb_build_object('county_adcode', COALESCE(i.mapped->>'county_adcode', p.county), 'park_id', p.park),
  status = CASE WHEN p.county IS NULL AND i.status = 'valid' THEN 'warning' ELSE i.status END,
  issues = i.issues || CASE WHEN p.county IS NULL
    THEN jsonb_build_array(jsonb_build_object('file', i.file, 'index', i.file_index, 'where', i.location,
      'field', 'geometry', 'value', ST_AsText(p.pt), 'severity', 'warning', 'message', 'outside the 7 county-level units of Dazhou'))
    ELSE '[]'::jsonb END
FROM (
  SELECT j.idx, j.pt,
         (SELECT a.adcode FROM admin_areas a WHERE a.level = 'county' AND ST_Intersects(a.geom, j.pt) LIMIT 1) AS county,
         (SELECT pk.id FROM parks pk WHERE ST_Intersects(pk.geom, j.pt) ORDER BY pk.id LIMIT 1) AS park
  FROM (SELECT idx, ST_PointOnSurface(geom) AS pt FROM import_items
        WHERE batch_id = $1 AND status <> 'rejected' AND geom IS NOT NULL) j
) p
WHERE i.batch_id = $1 AND i.idx = p.idx;

-- name: checkDeclaredArea
-- A declared area (面积 / MJ …) that differs from the measured one by more than 5 % is worth a look.
UPDATE import_items i SET status = CASE WHEN i.status = 'valid' THEN 'warning' ELSE i.status END,
  issues = i.issues || jsonb_build_array(jsonb_build_object('file', i.file, 'index', i.file_index, 'where', i.location,
    'field', 'area', 'value', round((i.mapped->>'area_declared_m2')::numeric, 2), 'severity', 'warning',
    'message', 'declared area ' || round((i.mapped->>'area_declared_m2')::numeric) || ' m² differs from the measured '
               || round(ST_Area(i.geom::geography)::numeric) || ' m² by '
               || round((abs((i.mapped->>'area_declared_m2')::float8 / ST_Area(i.geom::geography) - 1) * 100)::numeric, 1) || ' %'))
WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.geom IS NOT NULL
  AND GeometryType(i.geom) IN ('POLYGON', 'MULTIPOLYGON') AND (i.mapped->>'area_declared_m2') IS NOT NULL
  AND ST_Area(i.geom::geography) > 0
  AND abs((i.mapped->>'area_declared_m2')::float8 / ST_Area(i.geom::geography) - 1) > 0.05;

-- name: markCarrierActions
-- Same parcel code as an existing carrier → update, not a second row.
UPDATE import_items i SET action = CASE WHEN m.carrier_id IS NULL THEN 'insert' ELSE 'update' END, target_id = m.carrier_id
FROM (SELECT j.idx, c.id AS carrier_id FROM import_items j LEFT JOIN carriers c ON c.code = j.mapped->>'code'
      WHERE j.batch_id = $1) m
WHERE i.batch_id = $1 AND i.idx = m.idx AND i.status <> 'rejected';

-- name: rejectDuplicateCodes
-- Two items of one batch with the same code: the later ones are rejected.
UPDATE import_items i SET status = 'rejected',
  issues = i.issues || jsonb_build_array(jsonb_build_object('file', i.file, 'index', i.file_index, 'where', i.location,
    'field', 'code', 'value', i.mapped->>'code', 'severity', 'error', 'message', 'duplicate parcel code within this upload'))
FROM (SELECT idx, row_number() OVER (PARTITION BY mapped->>'code' ORDER BY idx) AS n
      FROM import_items WHERE batch_id = $1 AND status <> 'rejected') d
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
-- $2 kind ('land' | 'factory' | 'office').
INSERT INTO carriers (code, kind, name, park_id, county_adcode, status, review_state, land_use, allowed_industries,
                        price, price_unit, floors, floor_area_m2, floor_load_kn_m2, clear_height_m, building_height_m,
                        plot_ratio_min, plot_ratio_max, building_coefficient_pct, investment_intensity_wan_per_mu,
                        output_per_mu_wan, tax_per_mu_wan, power_kva, water_t_per_day, gas, ownership,
                        contact_name, contact_phone, available_from, description, geom, batch_id)
  SELECT m.code, $2, COALESCE(m.name, m.code), m.park_id, m.county_adcode, COALESCE(m.status, 'available'), 'draft', m.land_use,
         COALESCE(ARRAY(SELECT jsonb_array_elements_text(i.mapped->'allowed_industries')), '{}'),
         m.price, m.price_unit, m.floors, m.floor_area_m2, m.floor_load_kn_m2, m.clear_height_m, m.building_height_m,
         m.plot_ratio_min, m.plot_ratio_max, m.building_coefficient_pct, m.investment_intensity_wan_per_mu,
         m.output_per_mu_wan, m.tax_per_mu_wan, m.power_kva, m.water_t_per_day, m.gas, m.ownership,
         m.contact_name, m.contact_phone, m.available_from, m.description, ST_Multi(i.geom), $1
  FROM import_items i,
       jsonb_to_record(i.mapped) AS m(code text, name text, park_id bigint, county_adcode text, status text, land_use text,
         price numeric, price_unit text, floors int, floor_area_m2 float8, floor_load_kn_m2 float8, clear_height_m float8,
         building_height_m float8, plot_ratio_min float8, plot_ratio_max float8, building_coefficient_pct float8,
         investment_intensity_wan_per_mu float8, output_per_mu_wan float8, tax_per_mu_wan float8, power_kva float8,
         water_t_per_day float8, gas boolean, ownership text, contact_name text, contact_phone text,
         available_from date, description text)
  WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.action = 'insert'
  ORDER BY i.idx;

-- name: linkInsertedCarriers
-- Which carrier each inserted item became (codes are unique; the code index makes this a lookup).
UPDATE import_items i SET target_id = c.id
FROM carriers c
WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.action = 'insert' AND c.code = i.mapped->>'code';

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
  geom = ST_Multi(i.geom), batch_id = $1, updated_at = now()
FROM import_items i,
     jsonb_to_record(i.mapped) AS m(name text, park_id bigint, county_adcode text, status text, land_use text, price numeric,
       price_unit text, plot_ratio_min float8, plot_ratio_max float8, building_coefficient_pct float8,
       investment_intensity_wan_per_mu float8, output_per_mu_wan float8, tax_per_mu_wan float8, power_kva float8,
       water_t_per_day float8, gas boolean, ownership text, contact_name text, contact_phone text, description text)
WHERE i.batch_id = $1 AND i.status <> 'rejected' AND i.action = 'update' AND c.id = i.target_id;

-- name: insertAmenities
INSERT INTO amenities (code, kind, name, county_adcode, address, review_state, geom, batch_id)
SELECT COALESCE(i.mapped->>'code', 'IMP-' || $1 || '-' || i.idx), i.mapped->>'kind', COALESCE(i.mapped->>'name', i.mapped->>'kind'),
       i.mapped->>'county_adcode', i.mapped->>'address', 'draft', i.geom, $1
FROM import_items i WHERE i.batch_id = $1 AND i.status <> 'rejected'
ORDER BY i.idx;

-- name: insertTracks
INSERT INTO tracks (batch_id, kind, name, file_name, properties, review_state, geom)
SELECT $1, i.kind, i.mapped->>'name', i.file, i.raw, 'draft', i.geom
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
-- Reviewer verifies or publishes a whole batch's features. $2 state.
WITH b AS (UPDATE import_batches SET review_state = $2, reviewed_at = now(), updated_at = now() WHERE id = $1 RETURNING 1),
     c AS (UPDATE carriers SET review_state = $2, updated_at = now() WHERE batch_id = $1 RETURNING 1),
     a AS (UPDATE amenities SET review_state = $2 WHERE batch_id = $1 RETURNING 1),
     t AS (UPDATE tracks SET review_state = $2 WHERE batch_id = $1 RETURNING 1),
     p AS (UPDATE photos SET review_state = $2 WHERE batch_id = $1 RETURNING 1)
SELECT (SELECT count(*) FROM c) + (SELECT count(*) FROM a) + (SELECT count(*) FROM t) + (SELECT count(*) FROM p) AS n;

-- name: insertPhotos
-- Photos staged by the photo reader: metadata in `mapped`, position in `geom`, footprint as GeoJSON.
INSERT INTO photos (batch_id, sha256, file_name, is_panorama, taken_at, make, model, width, height, focal_mm, altitude_m,
                    rel_altitude_m, gimbal_yaw, gimbal_pitch, flight_yaw, heading, exif, review_state, geom, footprint, footprint_note)
SELECT $1, r.sha256, i.file, COALESCE(r.is_panorama, false), r.taken_at, r.make, r.model, r.width, r.height, r.focal_mm, r.altitude_m,
       r.rel_altitude_m, r.gimbal_yaw, r.gimbal_pitch, r.flight_yaw, r.heading, COALESCE(r.exif, '{}'), 'draft',
       CASE WHEN GeometryType(i.geom) = 'POINT' THEN i.geom END,
       CASE WHEN r.footprint IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(r.footprint), 4326) END,
       r.footprint_note
FROM import_items i,
     jsonb_to_record(i.mapped) AS r(sha256 text, is_panorama boolean, taken_at text, make text, model text,
       width int, height int, focal_mm float8, altitude_m float8, rel_altitude_m float8, gimbal_yaw float8, gimbal_pitch float8,
       flight_yaw float8, heading float8, exif jsonb, footprint jsonb, footprint_note text)
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
)
DELETE FROM import_items i USING stale WHERE i.batch_id = stale.id;
