-- Bulk inserts of the generated demo data. Each takes one JSON array parameter ($1) so a whole
-- table is one round trip; geometries arrive as GeoJSON in EPSG:4326.

-- name: isEmpty
SELECT NOT EXISTS (SELECT 1 FROM admin_areas) AND NOT EXISTS (SELECT 1 FROM parks)
   AND NOT EXISTS (SELECT 1 FROM carriers) AND NOT EXISTS (SELECT 1 FROM amenities)
   AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS empty;

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

-- name: insertCarriers
INSERT INTO carriers (code, kind, name, park_id, county_adcode, status, review_state, land_use, allowed_industries,
                      price, price_unit, floors, floor_area_m2, floor_load_kn_m2, clear_height_m, building_height_m,
                      plot_ratio_min, plot_ratio_max, building_coefficient_pct, investment_intensity_wan_per_mu,
                      output_per_mu_wan, tax_per_mu_wan, power_kva, water_t_per_day, gas, ownership,
                      contact_name, contact_phone, available_from, description, name_en, description_en, geom,
                      created_at, updated_at, version, status_date)
SELECT r.code, r.kind, r.name, p.id, r.county_adcode, r.status, r.review_state, r.land_use,
       ARRAY(SELECT jsonb_array_elements_text(r.allowed_industries)),
       r.price, r.price_unit, r.floors, r.floor_area_m2, r.floor_load_kn_m2, r.clear_height_m, r.building_height_m,
       r.plot_ratio_min, r.plot_ratio_max, r.building_coefficient_pct, r.investment_intensity_wan_per_mu,
       r.output_per_mu_wan, r.tax_per_mu_wan, r.power_kva, r.water_t_per_day, r.gas, r.ownership,
       r.contact_name, r.contact_phone, r.available_from, r.description, r.name_en, r.description_en,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)), 3)),
       COALESCE(r.created_at, now()), COALESCE(r.updated_at, now()), COALESCE(r.version, 1), r.status_date
FROM jsonb_to_recordset($1::jsonb) AS r(code text, kind text, name text, park_code text, county_adcode text,
     status text, review_state text, land_use text, allowed_industries jsonb, price numeric, price_unit text,
     floors int, floor_area_m2 float8, floor_load_kn_m2 float8, clear_height_m float8, building_height_m float8,
     plot_ratio_min float8, plot_ratio_max float8, building_coefficient_pct float8,
     investment_intensity_wan_per_mu float8, output_per_mu_wan float8, tax_per_mu_wan float8, power_kva float8,
     water_t_per_day float8, gas boolean, ownership text, contact_name text, contact_phone text,
     available_from date, description text, name_en text, description_en text, geom jsonb,
     created_at timestamptz, updated_at timestamptz, version int, status_date date)
LEFT JOIN parks p ON p.code = r.park_code;

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

-- name: insertAmenities
INSERT INTO amenities (code, kind, name, county_adcode, address, review_state, geom)
SELECT r.code, r.kind, r.name, r.county_adcode, r.address, r.review_state,
       ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)
FROM jsonb_to_recordset($1::jsonb) AS r(code text, kind text, name text, county_adcode text, address text,
     review_state text, geom jsonb);

-- name: markSeeded
INSERT INTO settings (key, value) VALUES ('demo_seeded', $1::jsonb)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();
