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

-- name: selectCandidates
-- Filter, then read the distances. Area and price carry a sargable bound (indexes of migration
-- 004) beside the exact, rounded comparison. `dist` holds the brief's kinds in the order of $27:
-- from the carrier's `carrier_nearest` row when it is current for every kind asked (the row
-- exists and no asked kind has a pending amenity change), otherwise measured live, kind by kind,
-- for the kinds that are not. Either way the same numbers (nearest_amenity, migration 007), so
-- the answer is the one the brute-force oracle in the tests computes. The stored slots are picked
-- with constant subscripts (amenity_kind_ordinal of a parameter folds at planning) into one array
-- cut to the number of kinds: no per-row subquery on the common path. `OFFSET 0` keeps the
-- planner from copying the `dist` expression into the maximum-distance tests below, which would
-- evaluate it (and any live probe) once per test. Maximum distances apply to the rounded values.
SELECT s.id, s.kind, s.name, s.status, s.county_adcode, s.park_id, s.land_use, s.area_m2, s.price, s.price_unit,
       s.power_kva, s.water_t_per_day, s.gas, s.floors, s.floor_load_kn_m2, s.clear_height_m, s.plot_ratio_min,
       s.plot_ratio_max, s.investment_intensity_wan_per_mu, s.output_per_mu_wan, s.dist
FROM (
  SELECT c.id,
         c.kind,
         c.name,
         c.status,
         c.county_adcode,
         c.park_id,
         c.land_use,
         round(c.area_m2::numeric, 2)::float8 AS area_m2,
         c.price,
         c.price_unit,
         c.power_kva,
         c.water_t_per_day,
         c.gas,
         c.floors,
         c.floor_load_kn_m2,
         c.clear_height_m,
         c.plot_ratio_min,
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
                      ELSE (SELECT l.distance_m FROM nearest_amenity(c.geom_m, k.kind) l)
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
  AND (($28::float8[])[16] IS NULL OR s.dist[16] <= ($28::float8[])[16]);

-- name: pageGeometries
-- $1 carrier ids of the returned page.
SELECT c.id, ST_AsGeoJSON(c.geom, 7) AS geometry
FROM carriers c
WHERE c.id = ANY ($1::bigint[]) AND c.review_state = 'published';
