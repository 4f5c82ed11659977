-- Site selection. The brief is compiled into the parameters of one static query
-- (selection.query.ts); an absent constraint is a NULL parameter, which the planner folds away
-- (unnamed statements are planned with their parameter values). Only published carriers and
-- published amenities take part: officers see what the public sees.
--
-- Distances are metres on the EPSG:4545 companion columns, from the site's boundary (0 when the
-- amenity is inside), rounded to the centimetre: `nearest_amenity` (migration 007), one KNN probe
-- on the per-kind translated GiST index of migration 004. They are read from `carrier_nearest`,
-- stored by the background worker (nearest.worker.ts), and measured live only where that is
-- missing or not current.
--
--  $1 carrier kinds text[]          $2 statuses text[]            $3 county adcodes text[] | NULL
--  $4 park ids bigint[] | NULL      $5/$6 area m² min/max         $7/$8 price min/max
--  $9 price unit | NULL             $10 land-use codes text[]     $11 industry | NULL
--  $12 power kVA min                $13 water t/day min           $14 gas required (true | NULL)
--  $15/$16 floors min/max           $17 floor load min            $18 clear height min
--  $19/$20 plot-ratio range to overlap (min, max)
--  $21/$22 client's planned investment intensity / output per mu (标准地 thresholds must be ≤)
--  $23 `within` GeoJSON (EPSG:4326) | NULL   $24/$25/$26 `near` lon, lat, radius m | NULL
--  $27 amenity kinds to measure text[]       $28 maximum distance per kind float8[] (NULL = none)
--
-- Ranking (rankPage only; see scoring.ts for the contract these reproduce to the last bit):
--  $29 int[]    per weighted criterion (in the order scoring.ts sums them: names sorted), the
--               1-based position of its value in `v` (1..9 attributes as ATTRIBUTE_CRITERIA lists
--               them, 2 = price, normalised per price unit; 10.. the measured kinds of $27)
--  $30 text[]   its direction: 'higher', 'lower' or 'ideal'      $31 float8[] the ideal value (or NULL)
--  $32 float8[] its weight (percent)
--  $33 int      sort key: 0 = score, -1 = id, else a position in `v`    $34 boolean descending
--  $35 int      limit                                                  $36 int offset

-- name: candidates
-- Fragment (inlined into the queries below where they say so): every published carrier that meets
-- the brief's constraints, with the distances the brief asked for. Area and price carry a
-- sargable bound (indexes of migration 004) beside the exact, rounded comparison. `dist` holds the
-- brief's kinds in the order of $27: from the carrier's `carrier_nearest` row when it is current
-- for every kind asked (the row exists and no asked kind has a pending amenity change), otherwise
-- measured live, kind by kind, for the kinds that are not. Either way the same numbers
-- (nearest_amenity, migration 007), so the answer is the one the brute-force oracle in the tests
-- computes. The stored slots are picked with constant subscripts (amenity_kind_ordinal of a
-- parameter folds at planning) into one array cut to the number of kinds: no per-row subquery on
-- the common path. `OFFSET 0` keeps the planner from copying the `dist` expression into the
-- maximum-distance tests below, which would evaluate it (and any live probe) once per test.
-- Maximum distances apply to the rounded values.
SELECT s.id, s.price_unit,
       -- The criterion values in slot order (ATTRIBUTE_CRITERIA, then the measured kinds): what
       -- the ranking below and the candidate cache (selection.cache.ts) read. Nothing else about
       -- a carrier is read here; what a result shows is fetched for the page only.
       ARRAY[s.area_m2, s.price, s.power_kva, s.water_t_per_day, s.plot_ratio_max, s.floor_load_kn_m2,
             s.clear_height_m, s.investment_intensity_wan_per_mu, s.output_per_mu_wan] || s.dist AS v
FROM (
  SELECT c.id,
         round(c.area_m2::numeric, 2)::float8 AS area_m2,
         c.price::float8 AS price,
         c.price_unit,
         c.power_kva,
         c.water_t_per_day,
         c.floor_load_kn_m2,
         c.clear_height_m,
         c.plot_ratio_max,
         c.investment_intensity_wan_per_mu,
         c.output_per_mu_wan,
         CASE
           WHEN cardinality($27::text[]) = 0 THEN '{}'::float8[]
           WHEN n.distance_m IS NOT NULL
                AND NOT ((SELECT ARRAY(SELECT DISTINCT kind FROM amenity_nearest_changes)) && $27::text[])
           THEN (ARRAY[
                  n.distance_m[amenity_kind_ordinal(($27::text[])[1])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[2])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[3])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[4])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[5])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[6])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[7])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[8])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[9])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[10])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[11])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[12])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[13])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[14])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[15])],
                  n.distance_m[amenity_kind_ordinal(($27::text[])[16])]
                ])[1:cardinality($27::text[])]
           ELSE ARRAY(
             SELECT CASE
                      WHEN n.distance_m IS NOT NULL
                           AND NOT (ARRAY[k.kind] && (SELECT ARRAY(SELECT DISTINCT kind FROM amenity_nearest_changes)))
                      THEN n.distance_m[amenity_kind_ordinal(k.kind)]
                      -- the geometry through the primary key: the common path reads no
                      -- geometry, so an index holding the filtered columns could answer it
                      ELSE (SELECT l.distance_m FROM carriers x, nearest_amenity(x.geom_m, k.kind) l WHERE x.id = c.id)
                    END
             FROM unnest($27::text[]) WITH ORDINALITY AS k(kind, i)
             ORDER BY k.i)
         END AS dist
  FROM carriers c
  LEFT JOIN carrier_nearest n ON n.carrier_id = c.id AND cardinality($27::text[]) > 0
  WHERE c.review_state = 'published'
    AND c.kind = ANY ($1::text[])
    AND c.status = ANY ($2::text[])
    AND ($3::text[] IS NULL OR c.county_adcode = ANY ($3::text[]))
    AND ($4::bigint[] IS NULL OR c.park_id = ANY ($4::bigint[]))
    AND ($5::float8 IS NULL OR (c.area_m2 >= $5::float8 - 0.005 AND round(c.area_m2::numeric, 2) >= $5::float8))
    AND ($6::float8 IS NULL OR (c.area_m2 <= $6::float8 + 0.005 AND round(c.area_m2::numeric, 2) <= $6::float8))
    AND ($7::float8 IS NULL OR c.price >= $7::float8)
    AND ($8::float8 IS NULL OR c.price <= $8::float8)
    AND ($9::text IS NULL OR c.price_unit = $9::text)
    AND ($10::text[] IS NULL OR c.land_use = ANY ($10::text[]))
    AND ($11::text IS NULL OR $11::text = ANY (c.allowed_industries))
    AND ($12::float8 IS NULL OR c.power_kva >= $12::float8)
    AND ($13::float8 IS NULL OR c.water_t_per_day >= $13::float8)
    AND ($14::boolean IS NULL OR c.gas = $14::boolean)
    AND ($15::float8 IS NULL OR c.floors >= $15::float8)
    AND ($16::float8 IS NULL OR c.floors <= $16::float8)
    AND ($17::float8 IS NULL OR c.floor_load_kn_m2 >= $17::float8)
    AND ($18::float8 IS NULL OR c.clear_height_m >= $18::float8)
    AND ($19::float8 IS NULL OR c.plot_ratio_max >= $19::float8)
    AND ($20::float8 IS NULL OR c.plot_ratio_min <= $20::float8)
    AND ($21::float8 IS NULL OR c.investment_intensity_wan_per_mu IS NULL OR c.investment_intensity_wan_per_mu <= $21::float8)
    AND ($22::float8 IS NULL OR c.output_per_mu_wan IS NULL OR c.output_per_mu_wan <= $22::float8)
    AND ($23::text IS NULL OR ST_Intersects(c.geom, ST_SetSRID(ST_GeomFromGeoJSON($23::text), 4326)))
    AND ($24::float8 IS NULL OR ST_DWithin(c.geom_m, ST_Transform(ST_SetSRID(ST_MakePoint($24::float8, $25::float8), 4326), 4545), $26::float8))
  OFFSET 0
) s
WHERE true
  AND (($28::float8[])[1] IS NULL OR s.dist[1] <= ($28::float8[])[1])
  AND (($28::float8[])[2] IS NULL OR s.dist[2] <= ($28::float8[])[2])
  AND (($28::float8[])[3] IS NULL OR s.dist[3] <= ($28::float8[])[3])
  AND (($28::float8[])[4] IS NULL OR s.dist[4] <= ($28::float8[])[4])
  AND (($28::float8[])[5] IS NULL OR s.dist[5] <= ($28::float8[])[5])
  AND (($28::float8[])[6] IS NULL OR s.dist[6] <= ($28::float8[])[6])
  AND (($28::float8[])[7] IS NULL OR s.dist[7] <= ($28::float8[])[7])
  AND (($28::float8[])[8] IS NULL OR s.dist[8] <= ($28::float8[])[8])
  AND (($28::float8[])[9] IS NULL OR s.dist[9] <= ($28::float8[])[9])
  AND (($28::float8[])[10] IS NULL OR s.dist[10] <= ($28::float8[])[10])
  AND (($28::float8[])[11] IS NULL OR s.dist[11] <= ($28::float8[])[11])
  AND (($28::float8[])[12] IS NULL OR s.dist[12] <= ($28::float8[])[12])
  AND (($28::float8[])[13] IS NULL OR s.dist[13] <= ($28::float8[])[13])
  AND (($28::float8[])[14] IS NULL OR s.dist[14] <= ($28::float8[])[14])
  AND (($28::float8[])[15] IS NULL OR s.dist[15] <= ($28::float8[])[15])
  AND (($28::float8[])[16] IS NULL OR s.dist[16] <= ($28::float8[])[16])

-- name: rankPage
-- One page of the ranked candidates, ranked here over ALL of them (never just the page), plus
-- their number: nothing but the page crosses the wire, so the time no longer grows with the
-- matches' transfer and parsing. The repository inlines `candidates` and repeats the rankSlot*
-- fragments below once per weighted criterion (slot j = 1..$29's length; the text holds slot
-- numbers only, every value is a parameter). The arithmetic is scoring.ts's, operation
-- for operation in float8, so scores and ties come out identical:
--   goodness g = v ('higher'), −v ('lower'), −|v − ideal| ('ideal'); NULL when v is missing or
--   not finite;
--   bounds: min/max of g over every candidate (window `wa`), for price over the candidates of the
--   same price unit (window `wu`);
--   score s = 0 when g is NULL, 100 when max = min, else 100 × (g − min) / (max − min);
--   total = ((0 + w1 × s1 / 100) + w2 × s2 / 100) + …, summed in slot order;
--   the total rounded to 6 decimals half up (JavaScript's Math.round): floor, or ceil when the
--   fraction is ≥ 0.5, both exact in float8; the slot scores s1.. go out unrounded and are
--   rounded by scoring.ts's round6.
-- Order: score, id or a criterion's value (NULLs last), ties by id; count(*) OVER () is taken
-- before LIMIT, so `matched` is the number of candidates.
WITH ranking AS (
  -- Declares the ranking parameters' types even when no criterion is weighted (the slot
  -- fragments are then absent); never read.
  SELECT $29::int[] AS slot, $30::text[] AS direction, $31::float8[] AS ideal, $32::float8[] AS weight
), cand AS MATERIALIZED (
{{candidates}}
), g AS (
  SELECT c.id, c.v, CASE WHEN 2 = ANY ($29::int[]) THEN c.price_unit END AS unit_group{{goodness}}
  FROM cand c
), b AS (
  SELECT g.*, count(*) OVER wa AS matched{{bounds}}
  FROM g
  WINDOW wa AS (), wu AS (PARTITION BY g.unit_group)
), t AS (
  SELECT b.id, b.v, b.matched, (0::float8{{terms}}) * 1e6::float8 AS total_e6{{scores}}
  FROM b
), r AS (
  SELECT t.*, (CASE WHEN t.total_e6 - floor(t.total_e6) >= 0.5 THEN ceil(t.total_e6) ELSE floor(t.total_e6) END) / 1e6::float8 AS score
  FROM t
), page AS (
  SELECT r.*, row_number() OVER () AS pos
  FROM (
    SELECT r.* FROM r
    ORDER BY CASE WHEN $34::boolean THEN CASE $33::int WHEN 0 THEN r.score WHEN -1 THEN r.id::float8 ELSE r.v[$33::int] END END DESC NULLS LAST,
             CASE WHEN NOT $34::boolean THEN CASE $33::int WHEN 0 THEN r.score WHEN -1 THEN r.id::float8 ELSE r.v[$33::int] END END ASC NULLS LAST,
             r.id
    LIMIT $35::int OFFSET $36::int
  ) r
)
SELECT p.id, c.kind, c.name, c.status, c.county_adcode, c.park_id, c.land_use, round(c.area_m2::numeric, 2)::float8 AS area_m2,
       c.price, c.price_unit, ST_AsGeoJSON(c.geom, 7) AS geometry, p.v, p.score, p.matched{{page}}
FROM page p
JOIN carriers c ON c.id = p.id
ORDER BY p.pos;

-- name: rankSlotGoodness
, CASE WHEN c.v[($29::int[])[{{j}}]] > '-Infinity'::float8 AND c.v[($29::int[])[{{j}}]] < 'Infinity'::float8 THEN
         CASE ($30::text[])[{{j}}] WHEN 'higher' THEN c.v[($29::int[])[{{j}}]] WHEN 'lower' THEN -c.v[($29::int[])[{{j}}]]
              ELSE -abs(c.v[($29::int[])[{{j}}]] - ($31::float8[])[{{j}}]) END END AS g{{j}}

-- name: rankSlotBounds
, CASE WHEN ($29::int[])[{{j}}] = 2 THEN min(g.g{{j}}) OVER wu ELSE min(g.g{{j}}) OVER wa END AS lo{{j}},
         CASE WHEN ($29::int[])[{{j}}] = 2 THEN max(g.g{{j}}) OVER wu ELSE max(g.g{{j}}) OVER wa END AS hi{{j}}

-- name: rankSlotScore
, CASE WHEN b.g{{j}} IS NULL THEN 0::float8 WHEN b.hi{{j}} = b.lo{{j}} THEN 100::float8
              ELSE 100::float8 * (b.g{{j}} - b.lo{{j}}) / (b.hi{{j}} - b.lo{{j}}) END AS s{{j}}

-- name: rankSlotTerm
 + ($32::float8[])[{{j}}] * CASE WHEN b.g{{j}} IS NULL THEN 0::float8 WHEN b.hi{{j}} = b.lo{{j}} THEN 100::float8
              ELSE 100::float8 * (b.g{{j}} - b.lo{{j}}) / (b.hi{{j}} - b.lo{{j}}) END / 100::float8

-- name: rankSlotPage
, p.s{{j}}

-- name: candidateCount
-- The number of candidates (when the page asked for lies past the last one).
SELECT count(*) AS matched FROM (
{{candidates}}
) c;

-- name: candidateValues
-- For the candidate cache (selection.cache.ts): every candidate's id, price unit and criterion
-- values `v`, nothing else.
SELECT c.id, c.price_unit, c.v FROM (
{{candidates}}
) c;

-- name: pageDetails
-- $1 carrier ids of a page ranked from the cache (which holds their criterion values): what a
-- result shows besides, and its geometry.
SELECT c.id, c.kind, c.name, c.status, c.county_adcode, c.park_id, c.land_use, round(c.area_m2::numeric, 2)::float8 AS area_m2,
       c.price, c.price_unit, ST_AsGeoJSON(c.geom, 7) AS geometry
FROM carriers c
WHERE c.id = ANY ($1::bigint[]) AND c.review_state = 'published';

-- name: changeVersion
-- The newest change-log entry (migration 002): every insert, update and delete of a carrier or an
-- amenity writes one in its own transaction, so a cached candidate set tagged with an older
-- version may be stale.
SELECT coalesce(max(id), 0) AS version FROM feature_changes;

-- name: tableColumns
-- Fragment: the columns of the in-memory candidate table (selection.table.ts), in the order it
-- reads them (array row mode), from carrier `c` and its distance array `x.dm` (stored, or measured
-- live: `x.has_row` 0 none, 1 stored row, 2 measured live). Values exactly as `candidates` reads
-- them: the area both raw (for the sargable bound) and rounded as compared and ranked, the price
-- as float8; distance slots in amenity_kinds() order; the geometry as WKB (exact float8
-- coordinates, for drawn areas). Then the site finder's own columns, from its narrow table
-- `s` (carrier_search, migrations 013/017: one row per published carrier), exactly as its SQL
-- statement reads them: search document, code, usable area and bounding box (server/search).
c.id, c.kind, c.status, c.county_adcode, c.park_id, c.land_use, c.allowed_industries,
       c.area_m2, round(c.area_m2::numeric, 2)::float8 AS area_r, c.price::float8 AS price, c.price_unit,
       c.power_kva, c.water_t_per_day, c.gas, c.floors::float8 AS floors, c.floor_load_kn_m2, c.clear_height_m,
       c.plot_ratio_min, c.plot_ratio_max, c.investment_intensity_wan_per_mu, c.output_per_mu_wan,
       x.has_row,
       x.dm[1] AS d1, x.dm[2] AS d2, x.dm[3] AS d3, x.dm[4] AS d4, x.dm[5] AS d5, x.dm[6] AS d6, x.dm[7] AS d7,
       x.dm[8] AS d8, x.dm[9] AS d9, x.dm[10] AS d10, x.dm[11] AS d11, x.dm[12] AS d12, x.dm[13] AS d13,
       x.dm[14] AS d14, x.dm[15] AS d15, x.dm[16] AS d16,
       ST_AsBinary(c.geom) AS wkb,
       s.doc, c.code, s.usable_m2, s.min_x, s.min_y, s.max_x, s.max_y

-- name: tableRows
-- The candidate table read in full: every published carrier, pre-joined with its stored nearest
-- distances (NULLs and has_row 0 when it has no `carrier_nearest` row). Run in one REPEATABLE READ
-- transaction with `tableState`, in chunks of $2 rows in id order after id $1 (each statement
-- short, well under the statement timeout on a loaded machine, and the server's event loop free
-- between chunks).
SELECT {{columns}}
FROM carriers c
LEFT JOIN carrier_nearest n ON n.carrier_id = c.id
LEFT JOIN carrier_search s ON s.id = c.id
CROSS JOIN LATERAL (SELECT n.distance_m AS dm, CASE WHEN n.carrier_id IS NULL THEN 0 ELSE 1 END AS has_row) x
WHERE c.review_state = 'published' AND c.id > $1::bigint
ORDER BY c.id
LIMIT $2::int;

-- name: tableDeltaState
-- What changed since the table was read (selection.table.ts patches it in place): the change-log
-- version, the entries in ($1, version] (for `tableSettled`, counted from $2), the carriers they
-- name (at most $3 + 1), and, as in `tableState`, the pending amenity kinds and the transactions
-- in progress. Run first in the delta's REPEATABLE READ transaction.
WITH v AS (SELECT coalesce((SELECT max(id) FROM feature_changes), 0) AS version)
SELECT v.version,
       (SELECT count(*) FROM feature_changes f WHERE f.id > $2::bigint AND f.id <= v.version) AS entries,
       ARRAY(SELECT DISTINCT f.feature_id::bigint
             FROM feature_changes f
             WHERE f.id > $1::bigint AND f.id <= v.version AND f.layer IN ('land', 'factories', 'offices')
             LIMIT $3::int + 1) AS changed,
       ARRAY(SELECT DISTINCT kind FROM amenity_nearest_changes) AS pending,
       ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS in_progress,
       -- An amenity changed: the worker may already have rewritten stored distances (no log entry).
       EXISTS (SELECT 1 FROM feature_changes f WHERE f.id > $1::bigint AND f.id <= v.version AND f.layer = 'amenities') AS amenities
FROM v;

-- name: tableRowsById
-- The table's columns of the carriers $1 that are published (the others leave the table). A
-- carrier without a stored row is measured live, every kind, when it is one of $2 (a few edited
-- sites: the numbers `candidates` measures live for it, so the table can answer at once).
SELECT {{columns}}
FROM carriers c
LEFT JOIN carrier_nearest n ON n.carrier_id = c.id
LEFT JOIN carrier_search s ON s.id = c.id
CROSS JOIN LATERAL (
  SELECT CASE WHEN n.carrier_id IS NOT NULL THEN n.distance_m
              WHEN c.id = ANY ($2::bigint[]) THEN ARRAY(
                SELECT m.distance_m
                FROM unnest(amenity_kinds()) WITH ORDINALITY AS k(kind, i)
                LEFT JOIN LATERAL nearest_amenity(c.geom_m, k.kind) m ON true
                ORDER BY k.i)
         END AS dm,
         CASE WHEN n.carrier_id IS NOT NULL THEN 1 WHEN c.id = ANY ($2::bigint[]) THEN 2 ELSE 0 END AS has_row
) x
WHERE c.id = ANY ($1::bigint[]) AND c.review_state = 'published';

-- name: tableDistances
-- Every published carrier's stored distances, slots d1..d16 (after amenity changes: the refresh
-- worker rewrites them without a change-log entry), or those of the carriers $1 only (rows the
-- worker has stored since the table found none).
SELECT n.carrier_id,
       n.distance_m[1], n.distance_m[2], n.distance_m[3], n.distance_m[4], n.distance_m[5], n.distance_m[6],
       n.distance_m[7], n.distance_m[8], n.distance_m[9], n.distance_m[10], n.distance_m[11], n.distance_m[12],
       n.distance_m[13], n.distance_m[14], n.distance_m[15], n.distance_m[16]
FROM carrier_nearest n
JOIN carriers c ON c.id = n.carrier_id AND c.review_state = 'published'
WHERE $1::bigint[] IS NULL OR n.carrier_id = ANY ($1::bigint[]);

-- name: tableState
-- What the table was read at: the change-log version and its number of entries up to it, the
-- amenity kinds with pending changes (their stored distances are not current), the slot order of
-- the stored distances, and the transactions in progress (one of them may commit a change-log id
-- below `version`, which the version would then not show: see `tableSettled`). Change-log ids are
-- taken by transactions that already have an id (the triggers run after their row writes), so
-- any transaction holding an id ≤ version is committed or listed here.
WITH v AS (SELECT coalesce((SELECT max(id) FROM feature_changes), 0) AS version)
SELECT v.version,
       (SELECT count(*) FROM feature_changes f WHERE f.id <= v.version) AS entries,
       ARRAY(SELECT DISTINCT kind FROM amenity_nearest_changes) AS pending,
       amenity_kinds() AS slots,
       ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS in_progress
FROM v;

-- name: tableSettled
-- Whether a table read while the transactions $1 (xid8 text[]) were in progress is exact: none of
-- them is still writing this change log (holds a lock on `feature_changes`: a transaction that has
-- not inserted into it yet can only take ids above the version, as the sequence only grows), and
-- the log holds as many entries in ($4, version read $2] as it did then ($3), so none of them
-- committed a change the version did not show. Transactions of other schemas and databases never
-- hold this table's lock, so they do not keep a table provisional.
SELECT NOT EXISTS (
         SELECT 1
         FROM pg_locks x
         JOIN pg_locks r ON r.virtualtransaction = x.virtualtransaction
         WHERE x.locktype = 'transactionid'
           AND x.transactionid = ANY (ARRAY(SELECT u::xid8::xid FROM unnest($1::text[]) u))
           AND r.locktype = 'relation' AND r.relation = 'feature_changes'::regclass
       ) AS ended,
       (SELECT count(*) FROM feature_changes f WHERE f.id > $4::bigint AND f.id <= $2::bigint) = $3::bigint AS same;

-- name: tableSpatial
-- The published carriers meeting a brief's drawn area ($1 GeoJSON | NULL) and point + radius
-- ($2 lon, $3 lat, $4 metres | NULL): the predicates of `candidates`, word for word, through the
-- GiST indexes; and the change-log version in the same statement (so the ids and the table are
-- known to describe the same data).
SELECT coalesce((SELECT max(id) FROM feature_changes), 0) AS version,
       ARRAY(
         SELECT c.id FROM carriers c
         WHERE c.review_state = 'published'
           AND ($1::text IS NULL OR ST_Intersects(c.geom, ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)))
           AND ($2::float8 IS NULL OR ST_DWithin(c.geom_m, ST_Transform(ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326), 4545), $4::float8))
       ) AS ids;
