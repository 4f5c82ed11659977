-- name: summary
-- Counts and areas per county × layer × status. $1: viewer sees unpublished.
SELECT c.county_adcode AS county,
       CASE c.kind WHEN 'land' THEN 'land' WHEN 'factory' THEN 'factories' ELSE 'offices' END AS layer,
       c.status,
       count(*) AS count,
       sum(c.area_m2) AS area_m2,
       sum(c.floor_area_m2) AS floor_area_m2
FROM carriers c
WHERE $1::boolean OR c.review_state = 'published'
GROUP BY 1, 2, 3
UNION ALL
SELECT p.county_adcode, 'parks', NULL, count(*), sum(p.area_m2), NULL
FROM parks p
WHERE $1::boolean OR p.review_state = 'published'
GROUP BY 1
UNION ALL
SELECT a.county_adcode, 'amenities', NULL, count(*), NULL, NULL
FROM amenities a
WHERE ($1::boolean OR a.review_state = 'published') AND a.county_adcode IS NOT NULL
GROUP BY 1
ORDER BY 1, 2, 3;

-- name: counties
SELECT adcode, name_zh, name_en, area_m2 FROM admin_areas WHERE level = 'county' ORDER BY adcode;

-- Dashboard figures (/api/stats/...). Every carrier query takes the same filter parameters:
--   $1 viewer sees unpublished (else published only), $2 county adcodes, $3 park ids, $4 kinds
--   (land/factory/office), $5 statuses (available/reserved/occupied); a NULL list means "all".
-- A park filter counts only carriers of those parks. They read the rollups of migration 022
-- (`stats_groups`, `stats_prices`, `stats_inventory`: counts and exact numeric sums per group, kept
-- by triggers and folded at each commit), where a missing county or park is '' / 0.

-- name: statusByCountyKind
-- Count, land area and floor area per county × kind × status.
SELECT NULLIF(g.county_adcode, '') AS county, g.kind, g.status,
       sum(g.n)::int AS count, sum(g.area_m2)::float8 AS area_m2, sum(g.floor_area_m2)::float8 AS floor_area_m2
FROM stats_groups g
WHERE ($1::boolean OR g.published)
  AND ($2::text[] IS NULL OR g.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR g.park_id = ANY ($3))
  AND ($4::text[] IS NULL OR g.kind = ANY ($4))
  AND ($5::text[] IS NULL OR g.status = ANY ($5))
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- name: landStructure
-- Land parcels per zoning code (land_use) × 标准地 class (investment-intensity threshold band, 万元/亩:
-- none, lt200, 200to300, ge300; stats_std_class of migration 022).
SELECT g.land_use, g.std_class, sum(g.n)::int AS count, sum(g.area_m2)::float8 AS area_m2
FROM stats_groups g
WHERE g.kind = 'land'
  AND ($1::boolean OR g.published)
  AND ($2::text[] IS NULL OR g.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR g.park_id = ANY ($3))
  AND ($4::text[] IS NULL OR g.kind = ANY ($4))
  AND ($5::text[] IS NULL OR g.status = ANY ($5))
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: priceDistribution
-- Per price unit: quartiles and a 10-bin histogram between the lowest and the highest price, from
-- the carriers counted per price (stats_prices). A quartile is percentile_cont's: the prices in
-- order, x = p·(n−1), the prices at ranks floor(x) and ceil(x) (0-based) interpolated as
-- lo + (x − floor(x))·(hi − lo); the price at rank k is the one whose run of equal prices holds k.
WITH f AS (
  SELECT g.price_unit AS unit, g.price, sum(g.n) AS n
  FROM stats_prices g
  WHERE ($1::boolean OR g.published)
    AND ($2::text[] IS NULL OR g.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR g.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR g.kind = ANY ($4))
    AND ($5::text[] IS NULL OR g.status = ANY ($5))
  GROUP BY 1, 2
), r AS (
  SELECT f.unit, f.price, f.n, sum(f.n) OVER (PARTITION BY f.unit ORDER BY f.price) - f.n AS first_rank FROM f
), u AS (
  SELECT unit, sum(n) AS n, min(price) AS lo, max(price) AS hi, (sum(price::numeric * n) / sum(n))::float8 AS mean
  FROM r GROUP BY unit
), q AS (
  SELECT u.unit, p.p, x.x, floor(x.x)::bigint AS k0, ceil(x.x)::bigint AS k1
  FROM u CROSS JOIN (VALUES (0.25::float8), (0.5), (0.75)) p(p) CROSS JOIN LATERAL (SELECT p.p * (u.n - 1)::float8 AS x) x
), qv AS (
  SELECT q.unit, q.p, v0.price + ((q.x - q.k0) * (v1.price - v0.price)) AS v
  FROM q
  JOIN r v0 ON v0.unit = q.unit AND q.k0 >= v0.first_rank AND q.k0 < v0.first_rank + v0.n
  JOIN r v1 ON v1.unit = q.unit AND q.k1 >= v1.first_rank AND q.k1 < v1.first_rank + v1.n
), b AS (
  SELECT r.unit, CASE WHEN u.hi = u.lo THEN 0 ELSE least(9, floor((r.price - u.lo) / (u.hi - u.lo) * 10)::int) END AS bin, sum(r.n)::int AS n
  FROM r JOIN u USING (unit) GROUP BY 1, 2
)
SELECT u.unit, u.n::int AS count, u.lo AS min, u.hi AS max, u.mean,
       (SELECT qv.v FROM qv WHERE qv.unit = u.unit AND qv.p = 0.25) AS p25,
       (SELECT qv.v FROM qv WHERE qv.unit = u.unit AND qv.p = 0.5) AS p50,
       (SELECT qv.v FROM qv WHERE qv.unit = u.unit AND qv.p = 0.75) AS p75,
       (SELECT array_agg(COALESCE(b.n, 0) ORDER BY g) FROM generate_series(0, 9) g LEFT JOIN b ON b.unit = u.unit AND b.bin = g) AS bins
FROM u WHERE u.n > 0 ORDER BY u.unit;

-- name: parks
-- Parks side by side: the parks the viewer may see (in the county / park filter), with their
-- carriers (kind and status filters apply) per status.
SELECT p.id::int AS id, p.name_zh, p.name_en, p.county_adcode AS county, p.area_m2 AS park_area_m2,
       COALESCE(sum(g.n), 0)::int AS count,
       COALESCE(sum(g.n) FILTER (WHERE g.status = 'available'), 0)::int AS available_count,
       COALESCE(sum(g.n) FILTER (WHERE g.status = 'reserved'), 0)::int AS reserved_count,
       COALESCE(sum(g.n) FILTER (WHERE g.status = 'occupied'), 0)::int AS occupied_count,
       COALESCE(sum(g.area_m2) FILTER (WHERE g.status = 'available'), 0)::float8 AS available_area_m2,
       COALESCE(sum(g.area_m2), 0)::float8 AS area_m2,
       COALESCE(sum(g.floor_area_m2) FILTER (WHERE g.status = 'available'), 0)::float8 AS available_floor_area_m2
FROM parks p
LEFT JOIN stats_groups g ON g.park_id = p.id
  AND ($1::boolean OR g.published)
  AND ($4::text[] IS NULL OR g.kind = ANY ($4))
  AND ($5::text[] IS NULL OR g.status = ANY ($5))
WHERE ($1::boolean OR p.review_state = 'published')
  AND ($2::text[] IS NULL OR p.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR p.id = ANY ($3))
GROUP BY p.id
ORDER BY p.id;

-- name: inventory
-- Monthly inventory for every month from $6 to $7 (first days): the carriers as they stood at the
-- end of the month, by kind × park × status, as the change history tells. stats_inventory
-- (migration 022) holds, per month × group, +1 and the area for every state a carrier entered in
-- that month and −1 for every state it left; the stand at the end of month M is the sum up to M
-- (changes before the first month count in the first). Filters ($2..$5) and visibility ($1) apply
-- to each state.
WITH bounds AS (
  SELECT date_trunc('month', $6::date)::date AS m0, date_trunc('month', $7::date)::date AS m1
), d AS (
  SELECT v.kind, v.park_id, v.status, greatest(v.month, b.m0) AS month, sum(v.n) AS n, sum(v.area_m2) AS area
  FROM stats_inventory v, bounds b
  WHERE v.month <= b.m1
    AND ($1::boolean OR v.published)
    AND ($2::text[] IS NULL OR v.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR v.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR v.kind = ANY ($4))
    AND ($5::text[] IS NULL OR v.status = ANY ($5))
  GROUP BY 1, 2, 3, 4
), run AS (
  -- The stand from each month with a change until the next one (or the last month).
  SELECT d.kind, d.park_id, d.status, d.month, sum(d.n) OVER w AS count, sum(d.area) OVER w AS area_m2, lead(d.month) OVER w AS next_month
  FROM d
  WINDOW w AS (PARTITION BY d.kind, d.park_id, d.status ORDER BY d.month)
)
SELECT to_char(g.m, 'YYYY-MM') AS month, r.kind, NULLIF(r.park_id, 0)::int AS park_id, r.status, r.count::int AS count, r.area_m2::float8 AS area_m2
FROM run r CROSS JOIN bounds b
CROSS JOIN LATERAL generate_series(r.month, COALESCE(r.next_month - interval '1 month', b.m1), interval '1 month') g(m)
WHERE r.count <> 0
ORDER BY 1, 2, 3, 4;

-- name: historyStart
-- The earliest month the history can speak for: the oldest carrier creation or history entry.
SELECT to_char(least((SELECT min(created_at) FROM carrier_facts),
                     (SELECT min(at) FROM feature_history WHERE layer IN ('land', 'factories', 'offices'))), 'YYYY-MM') AS month;

-- name: freshness
-- Data freshness at $6 (a date): per county × kind, the carriers (counted in stats_groups) and of
-- them those whose last survey evidence by $6 — a photo showing it (linked at import, footprint
-- overlapping it, or a panorama within 150 m; the public counts published photos only), an applied
-- change in its history, or its status date — lies within 6 and within 12 months before $6.
-- Read from the "last surveyed" rollup of migration 023 (per carrier with evidence: its filter
-- columns and its latest evidence day, all and public): a carrier whose latest day is at or before
-- $6 counts by that day (an index-only range over the 12 months before $6); one whose latest day is
-- after $6 (a later photo does not hide an earlier one) by the last of its evidence days up to $6
-- (stats_survey_days, one probe each). The public counts published carriers by their latest
-- public evidence. The work grows with the carriers surveyed in the 12 months, not with the photos,
-- the history or all carriers.
WITH total AS (
  SELECT g.county_adcode, g.kind, sum(g.n) AS n
  FROM stats_groups g
  WHERE ($1::boolean OR g.published)
    AND ($2::text[] IS NULL OR g.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR g.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR g.kind = ANY ($4))
    AND ($5::text[] IS NULL OR g.status = ANY ($5))
  GROUP BY 1, 2
), s AS NOT MATERIALIZED (
  -- The carriers the viewer counts, with the latest evidence the viewer sees (after constant
  -- folding of $1 one index: last_all for staff, last_public of published carriers for the public).
  SELECT s.id, s.county_adcode, s.kind, CASE WHEN $1::boolean THEN s.last_all ELSE s.last_public END AS last
  FROM stats_survey_carrier s
  WHERE ($1::boolean OR (s.published AND s.last_public IS NOT NULL))
    AND ($2::text[] IS NULL OR s.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR s.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR s.kind = ANY ($4))
    AND ($5::text[] IS NULL OR s.status = ANY ($5))
), last_survey AS (
  SELECT s.county_adcode, s.kind, s.last AS day
  FROM s
  WHERE s.last <= $6::date AND s.last > $6::date - interval '12 months'
  UNION ALL
  SELECT s.county_adcode, s.kind, d.day
  FROM s CROSS JOIN LATERAL (
    SELECT d.day FROM stats_survey_days d
    WHERE d.carrier_id = s.id AND d.day <= $6::date AND ($1::boolean OR d.public)
    ORDER BY d.day DESC LIMIT 1
  ) d
  WHERE s.last > $6::date AND d.day > $6::date - interval '12 months'
), hit AS (
  SELECT l.county_adcode, l.kind,
         count(*) FILTER (WHERE l.day > ($6::date - interval '6 months')) AS within6, count(*) AS within12
  FROM last_survey l
  GROUP BY 1, 2
)
SELECT NULLIF(t.county_adcode, '') AS county, t.kind, t.n::int AS count, COALESCE(h.within6, 0)::int AS within6, COALESCE(h.within12, 0)::int AS within12
FROM total t LEFT JOIN hit h ON h.county_adcode = t.county_adcode AND h.kind = t.kind
ORDER BY 1, 2;

-- name: enquiries
-- Enquiries received from $4 to $5 (dates, inclusive) per park × month, with the funnel: every
-- enquiry is new; it reached the visit stage when its status is or ever was site_visit or signed,
-- and signed when it is or ever was signed. $1 counties, $2 parks, $3 kinds (space wanted).
WITH e AS (
  SELECT e.id, e.park_id, to_char(e.created_at, 'YYYY-MM') AS month, e.status,
         EXISTS (SELECT 1 FROM enquiry_events v WHERE v.enquiry_id = e.id AND v.to_status IN ('site_visit', 'signed')) AS ever_visit,
         EXISTS (SELECT 1 FROM enquiry_events v WHERE v.enquiry_id = e.id AND v.to_status = 'signed') AS ever_signed
  FROM enquiries e
  LEFT JOIN parks p ON p.id = e.park_id
  WHERE e.created_at >= $4::date AND e.created_at < $5::date + 1
    AND ($1::text[] IS NULL OR COALESCE(e.county_adcode, p.county_adcode) = ANY ($1))
    AND ($2::bigint[] IS NULL OR e.park_id = ANY ($2))
    AND ($3::text[] IS NULL OR e.space_kind = ANY ($3))
)
SELECT park_id::int AS park_id, month, count(*)::int AS count,
       count(*) FILTER (WHERE ever_visit OR status IN ('site_visit', 'signed'))::int AS visited,
       count(*) FILTER (WHERE ever_signed OR status = 'signed')::int AS signed
FROM e
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: countyShapes
-- County outlines for the shaded map (GeoJSON, simplified to ~100 m, 5 decimals).
SELECT adcode, name_zh, name_en, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.001), 5) AS geometry
FROM admin_areas WHERE level = 'county' ORDER BY adcode;

-- name: parkNames
-- Parks the viewer may see, for the filter lists.
SELECT p.id::int AS id, p.name_zh, p.name_en, p.county_adcode AS county
FROM parks p WHERE $1::boolean OR p.review_state = 'published' ORDER BY p.id;

-- name: changeVersion
-- The newest commit that wrote the dashboard's inputs (migration 016): any committed statement
-- writing carriers, parks, counties, photos, history, enquiries or their events adds one. Its time
-- tells a restored log (same id, other time) apart.
SELECT id::text || '@' || to_char(at, 'YYYYMMDDHH24MISSUS') AS version FROM stats_commits ORDER BY id DESC LIMIT 1;

-- name: pruneChangeLog
-- The change log only needs its newest commit (the version above): entries older than an hour
-- are dropped, the newest commit always stays. Run now and then by the service, never inside a
-- writer's transaction, so it cannot block or deadlock an import.
WITH newest AS (SELECT max(id) AS id FROM stats_commits),
gone_commits AS (
  DELETE FROM stats_commits c USING newest
  WHERE c.id < newest.id AND c.at < clock_timestamp() - interval '1 hour' RETURNING 1
),
gone_changes AS (
  DELETE FROM stats_changes WHERE at < clock_timestamp() - interval '1 hour' RETURNING 1
)
SELECT (SELECT count(*) FROM gone_commits)::int AS commits, (SELECT count(*) FROM gone_changes)::int AS changes;
