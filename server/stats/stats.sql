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
-- A park filter counts only carriers of those parks.

-- name: statusByCountyKind
-- Count, land area and floor area per county × kind × status.
SELECT c.county_adcode AS county, c.kind, c.status,
       count(*)::int AS count, COALESCE(sum(c.area_m2), 0) AS area_m2, COALESCE(sum(c.floor_area_m2), 0) AS floor_area_m2
FROM carriers c
WHERE ($1::boolean OR c.review_state = 'published')
  AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
  AND ($4::text[] IS NULL OR c.kind = ANY ($4))
  AND ($5::text[] IS NULL OR c.status = ANY ($5))
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- name: landStructure
-- Land parcels per zoning code (land_use) × 标准地 class (investment-intensity threshold band, 万元/亩).
SELECT COALESCE(c.land_use, '') AS land_use,
       CASE WHEN c.investment_intensity_wan_per_mu IS NULL THEN 'none'
            WHEN c.investment_intensity_wan_per_mu < 200 THEN 'lt200'
            WHEN c.investment_intensity_wan_per_mu < 300 THEN '200to300'
            ELSE 'ge300' END AS std_class,
       count(*)::int AS count, COALESCE(sum(c.area_m2), 0) AS area_m2
FROM carriers c
WHERE c.kind = 'land'
  AND ($1::boolean OR c.review_state = 'published')
  AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
  AND ($4::text[] IS NULL OR c.kind = ANY ($4))
  AND ($5::text[] IS NULL OR c.status = ANY ($5))
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: priceDistribution
-- Per price unit: quartiles and a 10-bin histogram between the lowest and the highest price.
WITH f AS (
  SELECT c.price_unit AS unit, c.price::float8 AS price
  FROM carriers c
  WHERE c.price IS NOT NULL AND c.price_unit IS NOT NULL
    AND ($1::boolean OR c.review_state = 'published')
    AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR c.kind = ANY ($4))
    AND ($5::text[] IS NULL OR c.status = ANY ($5))
), u AS (
  SELECT unit, count(*)::int AS n, min(price) AS lo, max(price) AS hi, avg(price) AS mean,
         percentile_cont(0.25) WITHIN GROUP (ORDER BY price) AS p25,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS p50,
         percentile_cont(0.75) WITHIN GROUP (ORDER BY price) AS p75
  FROM f GROUP BY unit
), b AS (
  SELECT f.unit, CASE WHEN u.hi = u.lo THEN 0 ELSE least(9, floor((f.price - u.lo) / (u.hi - u.lo) * 10)::int) END AS bin, count(*)::int AS n
  FROM f JOIN u USING (unit) GROUP BY 1, 2
)
SELECT u.unit, u.n AS count, u.lo AS min, u.hi AS max, u.mean, u.p25, u.p50, u.p75,
       (SELECT array_agg(COALESCE(b.n, 0) ORDER BY g) FROM generate_series(0, 9) g LEFT JOIN b ON b.unit = u.unit AND b.bin = g) AS bins
FROM u ORDER BY u.unit;

-- name: parks
-- Parks side by side: the parks the viewer may see (in the county / park filter), with their
-- carriers (kind and status filters apply) per status.
SELECT p.id::int AS id, p.name_zh, p.name_en, p.county_adcode AS county, p.area_m2 AS park_area_m2,
       count(c.id)::int AS count,
       count(c.id) FILTER (WHERE c.status = 'available')::int AS available_count,
       count(c.id) FILTER (WHERE c.status = 'reserved')::int AS reserved_count,
       count(c.id) FILTER (WHERE c.status = 'occupied')::int AS occupied_count,
       COALESCE(sum(c.area_m2) FILTER (WHERE c.status = 'available'), 0) AS available_area_m2,
       COALESCE(sum(c.area_m2), 0) AS area_m2,
       COALESCE(sum(c.floor_area_m2) FILTER (WHERE c.status = 'available'), 0) AS available_floor_area_m2
FROM parks p
LEFT JOIN carriers c ON c.park_id = p.id
  AND ($1::boolean OR c.review_state = 'published')
  AND ($4::text[] IS NULL OR c.kind = ANY ($4))
  AND ($5::text[] IS NULL OR c.status = ANY ($5))
WHERE ($1::boolean OR p.review_state = 'published')
  AND ($2::text[] IS NULL OR p.county_adcode = ANY ($2))
  AND ($3::bigint[] IS NULL OR p.id = ANY ($3))
GROUP BY p.id
ORDER BY p.id;

-- name: inventory
-- Monthly inventory reconstructed from the change history: for every month from $6 to $7, the
-- carriers as they stood at the end of the month, by kind × park × status. A carrier with no applied
-- history entry after the first month's end is as it is now, from its creation on. For the others,
-- each column's value at a month's end is the `before` value of the first later entry that changed
-- it (else the current value); the carrier did not exist yet when that first later entry is its
-- insert, and no longer exists when it was deleted before (no later entry and no current row).
-- Filters ($2..$5) and visibility ($1) apply to the state at each month's end.
WITH months AS (
  SELECT m::date AS month, m + interval '1 month' AS month_end
  FROM generate_series(date_trunc('month', $6::date), date_trunc('month', $7::date), interval '1 month') m
), first_end AS (
  SELECT min(month_end) AS t FROM months
), hist AS (
  SELECT h.feature_id::bigint AS id, h.id AS hid, h.at, h.before, h.after, h.before_geom
  FROM feature_history h, first_end
  WHERE h.applied AND h.layer IN ('land', 'factories', 'offices') AND h.at >= first_end.t
), changed AS (
  SELECT DISTINCT id FROM hist
), static_rows AS (
  -- Unchanged since the first month's end: aggregated once by creation month, then cumulated.
  SELECT c.kind, c.park_id, c.status, date_trunc('month', c.created_at)::date AS born,
         count(*)::int AS n, sum(c.area_m2) AS area
  FROM carriers c
  WHERE NOT EXISTS (SELECT 1 FROM changed x WHERE x.id = c.id)
    AND ($1::boolean OR c.review_state = 'published')
    AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR c.kind = ANY ($4))
    AND ($5::text[] IS NULL OR c.status = ANY ($5))
  GROUP BY 1, 2, 3, 4
), static_months AS (
  SELECT m.month, s.kind, s.park_id, s.status, sum(s.n)::int AS n, sum(s.area) AS area
  FROM months m JOIN static_rows s ON s.born < m.month_end
  GROUP BY 1, 2, 3, 4
), changed_states AS (
  SELECT m.month, x.id, cur.id IS NOT NULL AS now_exists, cur.created_at,
         e0.at AS next_at, e0.is_insert,
         col.kind, col.status, col.review_state, col.county_adcode, col.park_id, col.area
  FROM months m CROSS JOIN changed x
  LEFT JOIN carriers cur ON cur.id = x.id
  LEFT JOIN LATERAL (
    SELECT h.at, (h.before IS NULL AND h.after IS NOT NULL AND h.after ? 'id') AS is_insert FROM hist h
    WHERE h.id = x.id AND h.at >= m.month_end ORDER BY h.at, h.hid LIMIT 1
  ) e0 ON true
  CROSS JOIN LATERAL (
    SELECT
      COALESCE((SELECT h.before ->> 'kind' FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'kind' ORDER BY h.at, h.hid LIMIT 1), cur.kind) AS kind,
      COALESCE((SELECT h.before ->> 'status' FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'status' ORDER BY h.at, h.hid LIMIT 1), cur.status) AS status,
      COALESCE((SELECT h.before ->> 'review_state' FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'review_state' ORDER BY h.at, h.hid LIMIT 1), cur.review_state) AS review_state,
      COALESCE((SELECT h.before ->> 'county_adcode' FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'county_adcode' ORDER BY h.at, h.hid LIMIT 1), cur.county_adcode) AS county_adcode,
      CASE WHEN EXISTS (SELECT 1 FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'park_id')
           THEN (SELECT (h.before ->> 'park_id')::bigint FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before ? 'park_id' ORDER BY h.at, h.hid LIMIT 1)
           ELSE cur.park_id END AS park_id,
      COALESCE((SELECT CASE WHEN ST_XMin(h.before_geom) >= 106.5 AND ST_XMax(h.before_geom) <= 109.5
                            THEN ST_Area(ST_Transform(h.before_geom, 4545)) ELSE ST_Area(h.before_geom::geography) END
                FROM hist h WHERE h.id = x.id AND h.at >= m.month_end AND h.before_geom IS NOT NULL ORDER BY h.at, h.hid LIMIT 1),
               cur.area_m2) AS area
  ) col
), changed_months AS (
  SELECT s.month, s.kind, s.park_id, s.status, count(*)::int AS n, sum(s.area) AS area
  FROM changed_states s
  WHERE (CASE WHEN s.next_at IS NOT NULL THEN NOT s.is_insert ELSE s.now_exists AND s.created_at < s.month + interval '1 month' END)
    AND ($1::boolean OR s.review_state = 'published')
    AND ($2::text[] IS NULL OR s.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR s.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR s.kind = ANY ($4))
    AND ($5::text[] IS NULL OR s.status = ANY ($5))
  GROUP BY 1, 2, 3, 4
)
SELECT to_char(month, 'YYYY-MM') AS month, kind, park_id::int AS park_id, status, sum(n)::int AS count, COALESCE(sum(area), 0) AS area_m2
FROM (SELECT * FROM static_months UNION ALL SELECT * FROM changed_months) t
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;

-- name: historyStart
-- The earliest month the history can speak for: the oldest carrier creation or history entry.
SELECT to_char(least((SELECT min(created_at) FROM carriers),
                     (SELECT min(at) FROM feature_history WHERE layer IN ('land', 'factories', 'offices'))), 'YYYY-MM') AS month;

-- name: freshness
-- Data freshness at $6 (a date): per county × kind, the carriers whose last survey evidence —
-- a photo showing it (linked at import, footprint overlapping it, or a panorama within 150 m; the
-- public counts published photos only), an applied change in its history, or its status date — lies
-- within 6 and within 12 months before $6.
WITH c AS (
  SELECT c.id, c.county_adcode, c.kind, c.status_date, c.geom, c.geom_m
  FROM carriers c
  WHERE ($1::boolean OR c.review_state = 'published')
    AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR c.kind = ANY ($4))
    AND ($5::text[] IS NULL OR c.status = ANY ($5))
), ph AS (
  SELECT p.id, p.carrier_id, p.is_panorama, p.geom, p.footprint,
         to_date(substring(p.taken_at from '^(\d{4}[:-]\d{2}[:-]\d{2})'), 'YYYY-MM-DD') AS day
  FROM photos p
  WHERE p.taken_at ~ '^\d{4}[:-]\d{2}[:-]\d{2}' AND ($1::boolean OR p.review_state = 'published')
), last_photo AS (
  SELECT c.id, max(ph.day) AS day
  FROM c JOIN ph ON ph.carrier_id = c.id
                 OR (ph.footprint IS NOT NULL AND ST_Intersects(ph.footprint, c.geom))
                 OR (ph.is_panorama AND ph.geom IS NOT NULL AND ST_DWithin(ST_Transform(ph.geom, 4545), c.geom_m, 150))
  GROUP BY c.id
), last_edit AS (
  SELECT h.feature_id::bigint AS id, max(h.at)::date AS day
  FROM feature_history h
  WHERE h.applied AND h.layer IN ('land', 'factories', 'offices') AND h.action <> 'delete' AND h.at::date <= $6::date
  GROUP BY 1
), last_survey AS (
  SELECT c.id, c.county_adcode, c.kind,
         (SELECT max(d) FROM (VALUES (lp.day), (le.day), (c.status_date)) v(d) WHERE d <= $6::date) AS day
  FROM c LEFT JOIN last_photo lp ON lp.id = c.id LEFT JOIN last_edit le ON le.id = c.id
)
SELECT county_adcode AS county, kind, count(*)::int AS count,
       count(*) FILTER (WHERE day > ($6::date - interval '6 months'))::int AS within6,
       count(*) FILTER (WHERE day > ($6::date - interval '12 months'))::int AS within12
FROM last_survey
GROUP BY 1, 2
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
