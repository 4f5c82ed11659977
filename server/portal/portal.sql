-- name: figures
-- Available, published carriers per kind: how many, land area and floor area (a building without a
-- recorded floor area counts its footprint).
SELECT kind, count(*)::int AS n, coalesce(sum(area_m2), 0)::float8 AS area_m2,
       coalesce(sum(coalesce(floor_area_m2, area_m2)), 0)::float8 AS floor_m2
FROM carriers
WHERE review_state = 'published' AND status = 'available'
GROUP BY kind;

-- name: countyCount
SELECT count(*)::int AS n FROM admin_areas WHERE level = 'county';

-- name: parks
-- Published parks with their county, available carriers per kind and a published panorama for the cover.
SELECT p.id, p.code, p.name_zh, p.name_en, p.county_adcode, a.name_zh AS county_zh, a.name_en AS county_en, p.park_level,
       p.leading_industries, p.area_m2, p.established_year, p.intro_zh, p.intro_en, p.contact_name, p.contact_phone,
       ST_X(ST_PointOnSurface(p.geom)) AS lon, ST_Y(ST_PointOnSurface(p.geom)) AS lat,
       coalesce(c.land_n, 0) AS land_n, coalesce(c.land_m2, 0) AS land_m2,
       coalesce(c.factory_n, 0) AS factory_n, coalesce(c.factory_m2, 0) AS factory_m2,
       coalesce(c.office_n, 0) AS office_n, coalesce(c.office_m2, 0) AS office_m2,
       (SELECT ph.id FROM photos ph WHERE ph.park_id = p.id AND ph.is_panorama AND ph.review_state = 'published' ORDER BY ph.id LIMIT 1) AS panorama_id
FROM parks p
JOIN admin_areas a ON a.adcode = p.county_adcode
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE kind = 'land')::int AS land_n, sum(area_m2) FILTER (WHERE kind = 'land')::float8 AS land_m2,
         count(*) FILTER (WHERE kind = 'factory')::int AS factory_n, sum(coalesce(floor_area_m2, area_m2)) FILTER (WHERE kind = 'factory')::float8 AS factory_m2,
         count(*) FILTER (WHERE kind = 'office')::int AS office_n, sum(coalesce(floor_area_m2, area_m2)) FILTER (WHERE kind = 'office')::float8 AS office_m2
  FROM carriers WHERE park_id = p.id AND review_state = 'published' AND status = 'available'
) c ON true
WHERE p.review_state = 'published' AND ($1::bigint IS NULL OR p.id = $1)
ORDER BY CASE p.park_level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, p.id;

-- name: parkOutline
SELECT ST_AsGeoJSON(geom, 6)::json AS geometry, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
FROM parks WHERE id = $1 AND review_state = 'published';

-- name: parkCarriers
-- The park's available, published carriers, land first, largest first.
SELECT id, kind, code, name, name_en, description, description_en, area_m2, floor_area_m2, floors, price::float8 AS price, price_unit, land_use, allowed_industries,
       power_kva, water_t_per_day, gas, plot_ratio_min, plot_ratio_max, clear_height_m, floor_load_kn_m2,
       investment_intensity_wan_per_mu, output_per_mu_wan, available_from, contact_name, contact_phone,
       ST_AsGeoJSON(geom, 6)::json AS geometry
FROM carriers
WHERE park_id = $1 AND review_state = 'published' AND status = 'available'
ORDER BY CASE kind WHEN 'land' THEN 0 WHEN 'factory' THEN 1 ELSE 2 END, area_m2 DESC, id;

-- name: parkIndicators
-- 标准地 indicators and utilities over the park's published carriers (any status).
SELECT min(investment_intensity_wan_per_mu)::float8 AS intensity_min, max(investment_intensity_wan_per_mu)::float8 AS intensity_max,
       min(output_per_mu_wan)::float8 AS output_min, max(output_per_mu_wan)::float8 AS output_max,
       min(tax_per_mu_wan)::float8 AS tax_min, max(tax_per_mu_wan)::float8 AS tax_max,
       max(power_kva)::float8 AS power_kva_max, max(water_t_per_day)::float8 AS water_max, bool_or(gas) AS gas
FROM carriers WHERE park_id = $1 AND review_state = 'published';

-- name: parkDistances
-- Metres from the park's boundary to the nearest published amenity of each kind (0 inside).
SELECT k.kind, d.distance_m
FROM parks p
CROSS JOIN unnest($2::text[]) AS k(kind)
CROSS JOIN LATERAL nearest_amenity(p.geom_m, k.kind) d
WHERE p.id = $1;

-- name: parkTours
SELECT id, title_zh, title_en FROM tours WHERE park_id = $1 AND review_state = 'published' ORDER BY id;

-- name: parkPanoramas
SELECT id FROM photos WHERE park_id = $1 AND is_panorama AND review_state = 'published' ORDER BY id;
