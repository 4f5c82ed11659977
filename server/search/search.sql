-- The public site finder (issue 12 item 3). Published rows only; only what an investor sees is
-- selected — never review state, batch, importer or data source. `search_doc`, `search_keys` and
-- the GIN index on `search_keys` come from migration 013.
--
-- `page` and `summary` take {{where}}: the conditions compiled by search.repository.ts from the
-- validated query (words, kind, status, county, park, area, price, industry), every value a
-- parameter; `page` also takes {{own}} (how many words the carrier's own name/code matched, for
-- relevance) and {{order}} (one of the fixed orders in search.repository.ts).

-- name: places
-- Every published park and county with its search document, centre and extent: the words are
-- matched against these few rows in the service, and they label the facets.
SELECT 'park' AS type, p.id::text AS id, p.code, p.name_zh, p.name_en, p.short_name_zh, p.short_name_en,
       p.county_adcode, p.search_doc,
       ST_X(ST_PointOnSurface(p.geom)) AS lon, ST_Y(ST_PointOnSurface(p.geom)) AS lat,
       ST_XMin(p.geom) AS xmin, ST_YMin(p.geom) AS ymin, ST_XMax(p.geom) AS xmax, ST_YMax(p.geom) AS ymax
FROM parks p
WHERE p.review_state = 'published'
UNION ALL
SELECT 'county', a.adcode, a.adcode, a.name_zh, a.name_en, NULL, NULL, a.adcode, a.search_doc,
       ST_X(a.label_point), ST_Y(a.label_point), ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)
FROM admin_areas a
WHERE a.level = 'county' AND a.review_state = 'published'
ORDER BY 1, 3;

-- name: page
SELECT c.id, c.kind, c.code, c.name, c.name_en, c.status, c.area_m2, c.floor_area_m2, c.floors, c.price, c.price_unit,
       c.allowed_industries, c.park_id, c.county_adcode, c.available_from::text AS available_from,
       ST_AsGeoJSON(c.geom, 6)::json AS geometry,
       ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat,
       {{own}} AS own
FROM carriers c
WHERE {{where}}
ORDER BY {{order}}
LIMIT :limit OFFSET :offset;

-- name: summary
-- The total, the extent of every match (to fit the map) and the count per kind, county and park.
SELECT GROUPING(c.kind) AS g_kind, GROUPING(c.county_adcode) AS g_county, GROUPING(c.park_id) AS g_park,
       c.kind, c.county_adcode, c.park_id, count(*)::int AS n,
       CASE WHEN GROUPING(c.kind, c.county_adcode, c.park_id) = 7 THEN ST_Extent(c.geom)::box2d::text END AS extent
FROM carriers c
WHERE {{where}}
GROUP BY GROUPING SETS ((), (c.kind), (c.county_adcode), (c.park_id));
