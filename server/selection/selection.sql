-- Site selection. The brief is compiled into the parameters of one static query
-- (selection.query.ts); an absent constraint is a NULL parameter, which the planner folds away
-- (unnamed statements are planned with their parameter values). Only published carriers and
-- published amenities take part: officers see what the public sees.
--
-- Distances are metres on the EPSG:4545 companion columns, from the site's boundary (0 when the
-- amenity is inside), rounded to the centimetre: for each requested amenity kind one KNN probe
-- (`<->`, LIMIT 1) per candidate that passed the attribute filters, on the per-kind translated
-- GiST index of migration 004 (amenities_kind_knn_idx) so a probe only ever walks its own kind.
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
-- Filter first, measure after. `f` applies every attribute and area constraint, then each
-- `maxDistanceM` as an indexed ST_DWithin against that kind's points (EXISTS, on the per-kind
-- index); only the carriers left get their nearest distances, once. Area and price also carry a
-- sargable bound (indexes of migration 004) beside the exact, rounded comparison; the DWithin
-- radius gets the same half-centimetre slack, and the exact test on the rounded distances is
-- the last line, so the answer is the one the brute-force oracle in the tests computes.
WITH f AS MATERIALIZED (
  SELECT c.*
  FROM carriers c
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
    AND NOT EXISTS (
      SELECT 1 FROM unnest($27::text[], $28::float8[]) AS m(kind, max_m)
      WHERE m.max_m IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM amenities a
        -- `IS TRUE`: the kind is tested on the rows the GiST index returns; as a plain equality the
        -- planner ANDs the bitmap of the whole kind (1,000s of rows) into every probe.
        WHERE (a.kind = m.kind) IS TRUE AND a.review_state = 'published'
          AND ST_DWithin(ST_Translate(a.geom_m, amenity_kind_offset(a.kind), 0),
                         ST_Translate(c.geom_m, amenity_kind_offset(m.kind), 0), m.max_m + 0.005)))
)
SELECT f.id,
       f.kind,
       f.name,
       f.status,
       f.county_adcode,
       f.park_id,
       f.land_use,
       round(f.area_m2::numeric, 2)::float8 AS area_m2,
       f.price,
       f.price_unit,
       f.power_kva,
       f.water_t_per_day,
       f.gas,
       f.floors,
       f.floor_load_kn_m2,
       f.clear_height_m,
       f.plot_ratio_min,
       f.plot_ratio_max,
       f.investment_intensity_wan_per_mu,
       f.output_per_mu_wan,
       d.dist
FROM f
CROSS JOIN LATERAL (
  SELECT array_agg(n.d ORDER BY k.i) AS dist
  FROM unnest($27::text[]) WITH ORDINALITY AS k(kind, i)
  LEFT JOIN LATERAL (
    SELECT round(ST_Distance(a.geom_m, f.geom_m)::numeric, 2)::float8 AS d
    FROM amenities a
    WHERE a.kind = k.kind AND a.review_state = 'published'
    ORDER BY ST_Translate(a.geom_m, amenity_kind_offset(a.kind), 0) <-> ST_Translate(f.geom_m, amenity_kind_offset(k.kind), 0)
    LIMIT 1
  ) n ON true
) d
WHERE NOT EXISTS (
  SELECT 1 FROM unnest(d.dist, $28::float8[]) AS u(dist, max_m)
  WHERE u.max_m IS NOT NULL AND (u.dist IS NULL OR u.dist > u.max_m)
);

-- name: pageGeometries
-- $1 carrier ids of the returned page.
SELECT c.id, ST_AsGeoJSON(c.geom, 7) AS geometry
FROM carriers c
WHERE c.id = ANY ($1::bigint[]) AND c.review_state = 'published';
