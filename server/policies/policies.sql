-- name: list
-- Entries in display order (validity end soonest last, newest first). $1: all states (staff) or
-- published and valid on $2 only; $3 kind or NULL; $4 park id or NULL (entries applying to the
-- park: listing it, its county or one of its industries, or nothing at all = the whole city).
SELECT p.id, p.kind, p.title_zh, p.title_en, p.body_zh, p.body_en, p.county_adcodes, p.park_ids::int8[] AS park_ids,
       p.industries, to_char(p.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(p.valid_to, 'YYYY-MM-DD') AS valid_to,
       p.review_state, p.version, p.created_at, p.updated_at, p.reviewed_at,
       cu.display_name AS created_by_name, ru.display_name AS reviewed_by_name,
       coalesce((SELECT json_agg(json_build_object('id', i.id, 'caption_zh', i.caption_zh, 'caption_en', i.caption_en) ORDER BY i.position, i.id)
                 FROM policy_images i WHERE i.policy_id = p.id), '[]'::json) AS images,
       coalesce((SELECT json_agg(json_build_object('adcode', a.adcode, 'zh', a.name_zh, 'en', a.name_en) ORDER BY a.adcode)
                 FROM admin_areas a WHERE a.adcode = ANY (p.county_adcodes)), '[]'::json) AS counties,
       coalesce((SELECT json_agg(json_build_object('id', k.id, 'zh', k.name_zh, 'en', k.name_en) ORDER BY k.id)
                 FROM parks k WHERE k.id = ANY (p.park_ids) AND ($1::boolean OR k.review_state = 'published')), '[]'::json) AS parks
FROM policies p
LEFT JOIN users cu ON cu.id = p.created_by
LEFT JOIN users ru ON ru.id = p.reviewed_by
WHERE ($1::boolean OR (p.review_state = 'published'
                       AND (p.valid_from IS NULL OR p.valid_from <= $2::date)
                       AND (p.valid_to IS NULL OR p.valid_to >= $2::date)))
  AND ($3::text IS NULL OR p.kind = $3)
  AND ($4::bigint IS NULL OR EXISTS (
        SELECT 1 FROM parks k WHERE k.id = $4 AND k.review_state = 'published' AND (
          (cardinality(p.park_ids) = 0 AND cardinality(p.county_adcodes) = 0 AND cardinality(p.industries) = 0)
          OR k.id = ANY (p.park_ids)
          OR k.county_adcode = ANY (p.county_adcodes)
          OR p.industries && k.leading_industries)))
  AND ($5::bigint IS NULL OR p.id = $5)
ORDER BY p.kind, p.updated_at DESC, p.id DESC
LIMIT 200;

-- name: insert
INSERT INTO policies (kind, title_zh, title_en, body_zh, body_en, county_adcodes, park_ids, industries, valid_from, valid_to, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id;

-- name: update
-- A change of a published or verified entry makes it a draft again: the public never sees text a
-- reviewer has not passed. $12: the version the editor started from (409 when it moved on).
UPDATE policies SET kind = $2, title_zh = $3, title_en = $4, body_zh = $5, body_en = $6, county_adcodes = $7,
       park_ids = $8, industries = $9, valid_from = $10, valid_to = $11,
       review_state = 'draft', reviewed_by = NULL, reviewed_at = NULL, version = version + 1, updated_at = now()
WHERE id = $1 AND version = $12
RETURNING id;

-- name: version
SELECT version FROM policies WHERE id = $1;

-- name: review
UPDATE policies SET review_state = $2, reviewed_by = $3, reviewed_at = now(), updated_at = now()
WHERE id = $1
RETURNING id;

-- name: delete
DELETE FROM policies WHERE id = $1 RETURNING id;

-- name: existingParks
SELECT id FROM parks WHERE id = ANY ($1::bigint[]);

-- name: existingCounties
SELECT adcode FROM admin_areas WHERE level = 'county' AND adcode = ANY ($1::text[]);

-- name: insertImage
INSERT INTO policy_images (policy_id, sha256, ext, caption_zh, caption_en, position)
VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(position), 0) + 1 FROM policy_images WHERE policy_id = $1))
RETURNING id;

-- name: image
-- One image with its entry's visibility on day $3.
SELECT i.id, i.sha256, i.ext, p.review_state = 'published'
         AND (p.valid_from IS NULL OR p.valid_from <= $3::date) AND (p.valid_to IS NULL OR p.valid_to >= $3::date) AS public
FROM policy_images i JOIN policies p ON p.id = i.policy_id
WHERE i.policy_id = $1 AND i.id = $2;

-- name: deleteImage
DELETE FROM policy_images WHERE policy_id = $1 AND id = $2 RETURNING id;
