-- Survey photos and panoramas that show a carrier ("last surveyed"), newest first.
-- A photo shows a carrier when import linked it (its footprint centre or position lies on it), its
-- ground footprint overlaps it, or (a panorama) it was taken within 150 m of it.

-- name: carrierPhotos
-- $1 carrier id (text), $2 carrier kind, $3 viewer sees unpublished, $4 limit. The public sees published
-- photos of a published carrier only; photos outside the service area are never published.
SELECT p.id, p.file_name, p.is_panorama, p.taken_at, p.heading, p.review_state,
       ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       CASE WHEN p.carrier_id = c.id THEN 'linked' WHEN p.is_panorama THEN 'nearby' ELSE 'footprint' END AS relation
FROM carriers c
JOIN photos p ON p.carrier_id = c.id
             OR (p.footprint IS NOT NULL AND ST_Intersects(p.footprint, c.geom))
             OR (p.is_panorama AND p.geom IS NOT NULL AND ST_DWithin(p.geom::geography, c.geom::geography, 150))
WHERE c.id::text = $1 AND c.kind = $2
  AND ($3::boolean OR (c.review_state = 'published' AND p.review_state = 'published'))
ORDER BY p.taken_at DESC NULLS LAST, p.id DESC
LIMIT $4;

-- name: carrierExists
SELECT 1 FROM carriers c WHERE c.id::text = $1 AND c.kind = $2 AND ($3::boolean OR c.review_state = 'published');
