-- Shortlists: the sites an officer picked for a client, and the links that share them.
-- Share tokens are never stored: only their SHA-256 (hex). Values are $n parameters.

-- name: insertShortlist
-- $1 client name, $2 brief jsonb, $3 notes, $4 user id (creator and owner).
INSERT INTO shortlists (client_name, brief, notes, created_by, owner_id)
VALUES ($1, $2::jsonb, $3, $4, $4)
RETURNING id;

-- name: updateShortlist
-- $1 id, $2 client name | NULL, $3 brief | NULL, $4 notes | NULL (NULL keeps the current value).
UPDATE shortlists
SET client_name = coalesce($2, client_name),
    brief = coalesce($3::jsonb, brief),
    notes = coalesce($4, notes),
    updated_at = now()
WHERE id = $1
RETURNING id;

-- name: deleteItems
DELETE FROM shortlist_items WHERE shortlist_id = $1;

-- name: insertItems
-- $1 shortlist id, $2 carrier ids, $3 notes (same order; the position is the index).
INSERT INTO shortlist_items (shortlist_id, carrier_id, position, note)
SELECT $1, i.carrier_id, i.ord - 1, i.note
FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS i(carrier_id, note, ord);

-- name: publishedCarrierIds
-- $1 carrier ids: those that exist and are published.
SELECT id FROM carriers WHERE id = ANY ($1::bigint[]) AND review_state = 'published';

-- name: deleteShortlist
DELETE FROM shortlists WHERE id = $1 RETURNING id;

-- name: listShortlists
SELECT s.id, s.client_name, s.created_at, s.updated_at, u.username AS created_by, s.owner_id, o.username AS owner,
       (SELECT count(*) FROM shortlist_items i WHERE i.shortlist_id = s.id)::int AS item_count
FROM shortlists s
LEFT JOIN users u ON u.id = s.created_by
LEFT JOIN users o ON o.id = s.owner_id
ORDER BY s.updated_at DESC, s.id DESC;

-- name: getShortlist
SELECT s.id, s.client_name, s.brief, s.notes, s.created_at, s.updated_at, u.username AS created_by, s.owner_id, o.username AS owner
FROM shortlists s
LEFT JOIN users u ON u.id = s.created_by
LEFT JOIN users o ON o.id = s.owner_id
WHERE s.id = $1;

-- name: shortlistItems
-- Officers see published carriers only: an item whose carrier is no longer published keeps its
-- place but shows no attributes.
SELECT i.carrier_id, i.position, i.note,
       (c.review_state = 'published') AS published,
       CASE WHEN c.review_state = 'published' THEN c.kind END AS kind,
       CASE WHEN c.review_state = 'published' THEN c.name END AS name,
       CASE WHEN c.review_state = 'published' THEN c.status END AS status,
       CASE WHEN c.review_state = 'published' THEN round(c.area_m2::numeric, 2)::float8 END AS area_m2,
       CASE WHEN c.review_state = 'published' THEN c.price END AS price,
       CASE WHEN c.review_state = 'published' THEN c.price_unit END AS price_unit
FROM shortlist_items i
JOIN carriers c ON c.id = i.carrier_id
WHERE i.shortlist_id = $1
ORDER BY i.position;

-- name: insertShare
-- $1 token sha256, $2 shortlist id, $3 lifetime in days, $4 user id.
INSERT INTO shortlist_shares (token_sha256, shortlist_id, expires_at, created_by)
VALUES ($1, $2, now() + make_interval(secs => $3::float8 * 86400), $4)
RETURNING expires_at;

-- name: listShares
SELECT left(token_sha256, 12) AS id, expires_at, revoked_at, view_count, created_at,
       (revoked_at IS NULL AND expires_at > now()) AS active
FROM shortlist_shares
WHERE shortlist_id = $1
ORDER BY created_at DESC;

-- name: revokeShares
-- $1 shortlist id, $2 token sha256 | NULL (NULL: every link of the shortlist).
UPDATE shortlist_shares SET revoked_at = now()
WHERE shortlist_id = $1 AND ($2::text IS NULL OR token_sha256 = $2::text) AND revoked_at IS NULL
RETURNING left(token_sha256, 12) AS id;

-- name: openShare
-- Counts the view and returns the shortlist of a live link; nothing for expired, revoked or unknown.
UPDATE shortlist_shares SET view_count = view_count + 1
WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > now()
RETURNING shortlist_id, expires_at, view_count;

-- name: sharedSites
-- $1 shortlist id, $2 amenity kinds. Published carriers only; the park only when published.
SELECT c.id, c.kind, c.name, c.status, c.county_adcode, i.position, i.note,
       ca.name_zh AS county_name_zh, ca.name_en AS county_name_en,
       p.id AS park_id, p.name_zh AS park_name_zh, p.name_en AS park_name_en,
       round(c.area_m2::numeric, 2)::float8 AS area_m2,
       c.land_use, c.allowed_industries, c.price, c.price_unit, c.power_kva, c.water_t_per_day, c.gas,
       c.floors, c.floor_area_m2, c.floor_load_kn_m2, c.clear_height_m, c.building_height_m,
       c.plot_ratio_min, c.plot_ratio_max, c.investment_intensity_wan_per_mu, c.output_per_mu_wan,
       c.available_from,
       ST_AsGeoJSON(c.geom, 7) AS geometry,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', k.kind, 'name', n.name, 'distance_m', n.d) ORDER BY k.i), '[]'::jsonb)
        FROM unnest($2::text[]) WITH ORDINALITY AS k(kind, i)
        JOIN LATERAL (
          SELECT a.name, round(ST_Distance(a.geom_m, c.geom_m)::numeric, 2)::float8 AS d
          FROM amenities a
          WHERE a.kind = k.kind AND a.review_state = 'published'
          ORDER BY ST_Translate(a.geom_m, amenity_kind_offset(a.kind), 0) <-> ST_Translate(c.geom_m, amenity_kind_offset(k.kind), 0)
          LIMIT 1
        ) n ON true) AS nearest
FROM shortlist_items i
JOIN carriers c ON c.id = i.carrier_id AND c.review_state = 'published'
LEFT JOIN admin_areas ca ON ca.adcode = c.county_adcode
LEFT JOIN parks p ON p.id = c.park_id AND p.review_state = 'published'
WHERE i.shortlist_id = $1
ORDER BY i.position;
