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
