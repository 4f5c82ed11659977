-- The public site finder (issue 12 item 3). Published rows only; only what an investor sees is
-- selected — never review state, batch, importer or data source. The narrow table
-- `carrier_search` (one row per published carrier: document and finder columns), the parks' and
-- counties' `search_doc` and its indexes come from migrations 013 and 017.
--
-- `find` takes {{where}}: the conditions on `s` (carrier_search) compiled by search.repository.ts
-- from the validated query (words, kind, status, county, park, area, price, industry), every value
-- a parameter; {{own}} (how many words the carrier's own name/code matched, for relevance),
-- {{sortcols}} (the columns its order needs) and {{order}} (one of the fixed orders in
-- search.repository.ts, on `s` and `own`). Counting, grouping and ordering read only the narrow
-- table, once; `carriers` is read for the page's rows.
--
-- `find` is the finder's contract. When the in-memory candidate table is current, search.table.ts
-- computes the same answer from its copy of `carrier_search` and `page` reads only the page's rows.

-- name: places
-- Every published park and county with its search document, centre and extent: the words are
-- matched against these few rows in the service, and they label the facets. Each row carries the
-- change-log version they were read at (parks and counties write the log, migration 002): the
-- service keeps them until the version moves on.
SELECT 'park' AS type, p.id::text AS id, p.code, p.name_zh, p.name_en, p.short_name_zh, p.short_name_en,
       p.county_adcode, p.search_doc,
       ST_X(ST_PointOnSurface(p.geom)) AS lon, ST_Y(ST_PointOnSurface(p.geom)) AS lat,
       ST_XMin(p.geom) AS xmin, ST_YMin(p.geom) AS ymin, ST_XMax(p.geom) AS xmax, ST_YMax(p.geom) AS ymax,
       v.version
FROM parks p, (SELECT coalesce(max(id), 0) AS version FROM feature_changes) v
WHERE p.review_state = 'published'
UNION ALL
SELECT 'county', a.adcode, a.adcode, a.name_zh, a.name_en, NULL, NULL, a.adcode, a.search_doc,
       ST_X(a.label_point), ST_Y(a.label_point), ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom),
       v.version
FROM admin_areas a, (SELECT coalesce(max(id), 0) AS version FROM feature_changes) v
WHERE a.level = 'county' AND a.review_state = 'published'
ORDER BY 1, 3;

-- name: version
-- The newest change-log entry (migration 002): every write of a carrier, park or county moves it on.
SELECT coalesce(max(id), 0) AS version FROM feature_changes;

-- name: find
-- One pass over the matches (filtered once, kept in `m`): the page in the requested order, and per
-- (kind, county, park) the count and extent of every match — the service adds these few groups up
-- to the total, the facets and the map extent. Every answer row carries the groups (`groups`, a
-- JSON array); with no page row (an offset past the end) one row carries them with a null id.
WITH m AS MATERIALIZED (
  SELECT s.id, s.kind, s.county_adcode, s.park_id, s.min_x, s.min_y, s.max_x, s.max_y, {{sortcols}}, {{own}} AS own
  FROM carrier_search s
  WHERE {{where}}
), g AS (
  SELECT coalesce(json_agg(json_build_array(x.kind, x.county_adcode, x.park_id, x.n, x.min_x, x.min_y, x.max_x, x.max_y)), '[]') AS groups
  FROM (
    SELECT m.kind, m.county_adcode, m.park_id, count(*)::int AS n, min(m.min_x) AS min_x, min(m.min_y) AS min_y, max(m.max_x) AS max_x, max(m.max_y) AS max_y
    FROM m
    GROUP BY m.kind, m.county_adcode, m.park_id
  ) x
), p AS (
  SELECT s.id, s.own, row_number() OVER (ORDER BY {{order}}) AS rank
  FROM (SELECT * FROM m s ORDER BY {{order}} LIMIT :limit OFFSET :offset) s
)
SELECT g.groups, {{hit}}, p.own
FROM g
LEFT JOIN (p JOIN carriers c ON c.id = p.id) ON true
ORDER BY p.rank;

-- name: hit
-- Fragment: what a result shows of carrier `c` (`find` and `page`).
c.id, c.kind, c.code, c.name, c.name_en, c.status, c.area_m2, c.floor_area_m2, c.floors, c.price, c.price_unit,
       c.allowed_industries, c.park_id, c.county_adcode, c.available_from::text AS available_from,
       ST_AsGeoJSON(c.geom, 6)::json AS geometry,
       ST_X(ST_PointOnSurface(c.geom)) AS lon, ST_Y(ST_PointOnSurface(c.geom)) AS lat

-- name: page
-- The rows of a page found in the in-memory table (search.table.ts), in its order: $1 carrier ids,
-- $2 how many words each one's own document matched. A carrier no longer published is missing
-- (the service then answers with `find`).
SELECT {{hit}}, p.own
FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS p(id, own, rank)
JOIN carriers c ON c.id = p.id AND c.review_state = 'published'
ORDER BY p.rank;

-- name: collationProbe
-- The probe words $1 in the database's order for `code` and `kind` (carrier_search's columns: the
-- database's default collation): the in-memory finder orders text by code point, and answers only
-- when this order is that one.
SELECT array_agg(w ORDER BY w COLLATE "default") AS sorted
FROM unnest($1::text[]) AS u(w);
