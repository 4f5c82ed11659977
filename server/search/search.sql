-- The public site finder (issue 12 item 3). Published rows only; only what an investor sees is
-- selected — never review state, batch, importer or data source. The narrow table
-- `carrier_search` (one row per published carrier: document and finder columns), the parks' and
-- counties' `search_doc` and the GIN index on `search_grams(doc)` come from migration 013.
--
-- `page` and `summary` take {{where}}: the conditions on `s` (carrier_search) compiled by
-- search.repository.ts from the validated query (words, kind, status, county, park, area, price,
-- industry), every value a parameter; `page` also takes {{own}} (how many words the carrier's own
-- name/code matched, for relevance) and {{order}} (one of the fixed orders in
-- search.repository.ts, on `s` and `own`). Counting, grouping and ordering read only the narrow
-- table; `carriers` is read for the page's rows.

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
       s.own
FROM (
  SELECT s.id, s.kind, s.code, s.usable_m2, s.price, {{own}} AS own
  FROM carrier_search s
  WHERE {{where}}
  ORDER BY {{order}}
  LIMIT :limit OFFSET :offset
) s
JOIN carriers c ON c.id = s.id
ORDER BY {{order}};

-- name: summary
-- The total, the extent of every match (to fit the map) and the count per kind, county and park.
SELECT GROUPING(s.kind) AS g_kind, GROUPING(s.county_adcode) AS g_county, GROUPING(s.park_id) AS g_park,
       s.kind, s.county_adcode, s.park_id, count(*)::int AS n,
       CASE WHEN GROUPING(s.kind, s.county_adcode, s.park_id) = 7 AND count(*) > 0
            THEN ST_MakeBox2D(ST_Point(min(s.min_x), min(s.min_y)), ST_Point(max(s.max_x), max(s.max_y)))::text END AS extent
FROM carrier_search s
WHERE {{where}}
GROUP BY GROUPING SETS ((), (s.kind), (s.county_adcode), (s.park_id));
