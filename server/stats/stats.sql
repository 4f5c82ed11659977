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
-- A park filter counts only carriers of those parks. They read the carriers' dashboard columns from
-- the narrow `carrier_facts` (migration 016, kept exact by statement triggers on `carriers`).

-- name: statusByCountyKind
-- Count, land area and floor area per county × kind × status.
SELECT c.county_adcode AS county, c.kind, c.status,
       count(*)::int AS count, COALESCE(sum(c.area_m2), 0) AS area_m2, COALESCE(sum(c.floor_area_m2), 0) AS floor_area_m2
FROM carrier_facts c
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
       CASE WHEN c.intensity IS NULL THEN 'none'
            WHEN c.intensity < 200 THEN 'lt200'
            WHEN c.intensity < 300 THEN '200to300'
            ELSE 'ge300' END AS std_class,
       count(*)::int AS count, COALESCE(sum(c.area_m2), 0) AS area_m2
FROM carrier_facts c
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
  SELECT c.price_unit AS unit, c.price
  FROM carrier_facts c
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
LEFT JOIN carrier_facts c ON c.park_id = p.id
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
-- carriers as they stood at the end of the month, by kind × park × status. Each carrier is a list of
-- states with the time span each held: a carrier with no applied history entry after the first
-- month's end is as it is now from its creation on; for the others, the state just before each entry
-- takes each column from the `before` of the first entry at or after it that changed the column
-- (else the current value), found with running counts over the entries newest first; the state
-- before an insert is "not there", and after the last entry the carrier is as it is now (nothing when
-- it was deleted). A state counts in the months whose end lies in its span, added as +1/-1 at the
-- first and the first-after-last month and summed up month by month, so the work grows with the
-- number of carriers and entries, not with carriers × months.
-- Filters ($2..$5) and visibility ($1) apply to each state.
WITH months AS (
  SELECT m AS month_start, (row_number() OVER (ORDER BY m) - 1)::int AS i
  FROM generate_series(date_trunc('month', $6::date), date_trunc('month', $7::date), interval '1 month') m
), bounds AS (
  SELECT min(month_start) AS m0, count(*)::int AS n FROM months
), hist AS (
  SELECT h.feature_id::bigint AS id, h.id AS hid, h.at, h.before, h.after, h.before_geom
  FROM feature_history h, bounds b
  WHERE h.applied AND h.layer IN ('land', 'factories', 'offices') AND h.at >= b.m0 + interval '1 month'
), ranked AS (
  SELECT h.*,
         count(*) FILTER (WHERE h.before ? 'kind') OVER w AS g_kind,
         count(*) FILTER (WHERE h.before ? 'status') OVER w AS g_status,
         count(*) FILTER (WHERE h.before ? 'review_state') OVER w AS g_review,
         count(*) FILTER (WHERE h.before ? 'county_adcode') OVER w AS g_county,
         count(*) FILTER (WHERE h.before ? 'park_id') OVER w AS g_park,
         count(*) FILTER (WHERE h.before_geom IS NOT NULL) OVER w AS g_geom
  FROM hist h
  WINDOW w AS (PARTITION BY h.id ORDER BY h.at DESC, h.hid DESC ROWS UNBOUNDED PRECEDING)
), states AS (
  -- Just before each entry, since the entry before it.
  SELECT lag(r.at) OVER (PARTITION BY r.id ORDER BY r.at, r.hid) AS s, r.at AS e, 1 AS w,
         NOT (r.before IS NULL AND r.after IS NOT NULL AND r.after ? 'id') AS present,
         CASE WHEN r.g_kind = 0 THEN c.kind ELSE max(r.before ->> 'kind') FILTER (WHERE r.before ? 'kind') OVER (PARTITION BY r.id, r.g_kind) END AS kind,
         CASE WHEN r.g_status = 0 THEN c.status ELSE max(r.before ->> 'status') FILTER (WHERE r.before ? 'status') OVER (PARTITION BY r.id, r.g_status) END AS status,
         CASE WHEN r.g_review = 0 THEN c.review_state ELSE max(r.before ->> 'review_state') FILTER (WHERE r.before ? 'review_state') OVER (PARTITION BY r.id, r.g_review) END AS review_state,
         CASE WHEN r.g_county = 0 THEN c.county_adcode ELSE max(r.before ->> 'county_adcode') FILTER (WHERE r.before ? 'county_adcode') OVER (PARTITION BY r.id, r.g_county) END AS county_adcode,
         CASE WHEN r.g_park = 0 THEN c.park_id ELSE (max(r.before ->> 'park_id') FILTER (WHERE r.before ? 'park_id') OVER (PARTITION BY r.id, r.g_park))::bigint END AS park_id,
         CASE WHEN r.g_geom = 0 THEN c.area_m2 ELSE max(CASE WHEN ST_XMin(r.before_geom) >= 106.5 AND ST_XMax(r.before_geom) <= 109.5
                                                            THEN ST_Area(ST_Transform(r.before_geom, 4545)) ELSE ST_Area(r.before_geom::geography) END)
                                                     FILTER (WHERE r.before_geom IS NOT NULL) OVER (PARTITION BY r.id, r.g_geom) END AS area
  FROM ranked r LEFT JOIN carrier_facts c ON c.id = r.id
  UNION ALL
  -- After the last entry: as the row is now (nothing when it was deleted).
  SELECT x.last_at, NULL, 1, true, c.kind, c.status, c.review_state, c.county_adcode, c.park_id, c.area_m2
  FROM (SELECT id, max(at) AS last_at FROM hist GROUP BY id) x JOIN carrier_facts c ON c.id = x.id
  UNION ALL
  -- Unchanged since the first month's end: as it is now, since its creation (grouped first: one
  -- state per creation month and group, weighted by its count).
  SELECT date_trunc('month', c.created_at), NULL, count(*)::int, true, c.kind, c.status, c.review_state, c.county_adcode, c.park_id, sum(c.area_m2)
  FROM carrier_facts c
  WHERE NOT EXISTS (SELECT 1 FROM hist x WHERE x.id = c.id)
    AND ($1::boolean OR c.review_state = 'published')
    AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR c.kind = ANY ($4))
    AND ($5::text[] IS NULL OR c.status = ANY ($5))
  GROUP BY 1, 5, 6, 7, 8, 9
), deltas AS (
  -- A span (s, e] holds at the ends of months i with idx(s) <= i < idx(e), idx(t) = months from the first month to t's month.
  SELECT st.kind, st.park_id, st.status, v.i, sum(v.sign * st.w)::int AS n, sum(v.sign * st.area) AS area
  FROM states st CROSS JOIN bounds b
  CROSS JOIN LATERAL (VALUES
    (1, CASE WHEN st.s IS NULL THEN 0 ELSE greatest(0, ((extract(year FROM st.s) - extract(year FROM b.m0)) * 12 + extract(month FROM st.s) - extract(month FROM b.m0))::int) END),
    (-1, CASE WHEN st.e IS NULL THEN NULL ELSE greatest(0, ((extract(year FROM st.e) - extract(year FROM b.m0)) * 12 + extract(month FROM st.e) - extract(month FROM b.m0))::int) END)
  ) v(sign, i)
  WHERE st.present AND v.i IS NOT NULL AND v.i < b.n
    AND ($1::boolean OR st.review_state = 'published')
    AND ($2::text[] IS NULL OR st.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR st.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR st.kind = ANY ($4))
    AND ($5::text[] IS NULL OR st.status = ANY ($5))
  GROUP BY 1, 2, 3, 4
), cumulated AS (
  SELECT m.month_start, g.kind, g.park_id, g.status,
         sum(COALESCE(d.n, 0)) OVER w AS count, sum(COALESCE(d.area, 0)) OVER w AS area_m2
  FROM (SELECT DISTINCT kind, park_id, status FROM deltas) g CROSS JOIN months m
  LEFT JOIN deltas d ON d.kind = g.kind AND d.park_id IS NOT DISTINCT FROM g.park_id AND d.status = g.status AND d.i = m.i
  WINDOW w AS (PARTITION BY g.kind, g.park_id, g.status ORDER BY m.i)
)
SELECT to_char(month_start, 'YYYY-MM') AS month, kind, park_id::int AS park_id, status, count::int AS count, area_m2
FROM cumulated WHERE count <> 0
ORDER BY 1, 2, 3, 4;

-- name: historyStart
-- The earliest month the history can speak for: the oldest carrier creation or history entry.
SELECT to_char(least((SELECT min(created_at) FROM carrier_facts),
                     (SELECT min(at) FROM feature_history WHERE layer IN ('land', 'factories', 'offices'))), 'YYYY-MM') AS month;

-- name: freshness
-- Data freshness at $6 (a date): per county × kind, the carriers whose last survey evidence —
-- a photo showing it (linked at import, footprint overlapping it, or a panorama within 150 m; the
-- public counts published photos only), an applied change in its history, or its status date — lies
-- within 6 and within 12 months before $6.
WITH c AS NOT MATERIALIZED (
  SELECT c.id, c.county_adcode, c.kind, c.status_date
  FROM carrier_facts c
  WHERE ($1::boolean OR c.review_state = 'published')
    AND ($2::text[] IS NULL OR c.county_adcode = ANY ($2))
    AND ($3::bigint[] IS NULL OR c.park_id = ANY ($3))
    AND ($4::text[] IS NULL OR c.kind = ANY ($4))
    AND ($5::text[] IS NULL OR c.status = ANY ($5))
), ph AS NOT MATERIALIZED (
  SELECT p.id, p.carrier_id, p.is_panorama, p.geom, p.footprint,
         to_date(substring(p.taken_at from '^(\d{4}[:-]\d{2}[:-]\d{2})'), 'YYYY-MM-DD') AS day
  FROM photos p
  WHERE p.taken_at ~ '^\d{4}[:-]\d{2}[:-]\d{2}' AND ($1::boolean OR p.review_state = 'published')
), linked AS (
  -- Photos linked to a carrier at import, grouped on their own so the planner sees one row per
  -- linked carrier (a grouped union was estimated at 200 rows and joined by a nested loop).
  SELECT ph.carrier_id AS id, max(ph.day) AS day FROM ph WHERE ph.carrier_id IS NOT NULL GROUP BY 1
), seen AS (
  -- Driven from the photos (few) through the carriers' indexes (OFFSET 0 keeps each lateral
  -- subquery on the inner side); the filters apply in last_survey.
  SELECT id, max(day) AS day FROM (
    SELECT k.id, ph.day FROM ph CROSS JOIN LATERAL (SELECT k.id FROM carriers k WHERE ST_Intersects(ph.footprint, k.geom) OFFSET 0) k
    WHERE ph.footprint IS NOT NULL
    UNION ALL
    SELECT k.id, ph.day FROM ph CROSS JOIN LATERAL (SELECT k.id FROM carriers k WHERE ST_DWithin(ST_Transform(ph.geom, 4545), k.geom_m, 150) OFFSET 0) k
    WHERE ph.is_panorama AND ph.geom IS NOT NULL
  ) x
  GROUP BY id
), last_edit AS (
  SELECT h.feature_id::bigint AS id, max(h.at)::date AS day
  FROM feature_history h
  WHERE h.applied AND h.layer IN ('land', 'factories', 'offices') AND h.action <> 'delete' AND h.at::date <= $6::date
  GROUP BY 1
), last_survey AS (
  -- The last photo counts when it was taken by $6.
  SELECT c.id, c.county_adcode, c.kind,
         greatest(CASE WHEN greatest(li.day, se.day) <= $6::date THEN greatest(li.day, se.day) END, le.day,
                  CASE WHEN c.status_date <= $6::date THEN c.status_date END) AS day
  FROM c LEFT JOIN linked li ON li.id = c.id LEFT JOIN seen se ON se.id = c.id LEFT JOIN last_edit le ON le.id = c.id
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
