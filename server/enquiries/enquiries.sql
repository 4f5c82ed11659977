-- name: countAttempts
-- Submissions (accepted or refused) from one client in the last `$2` seconds.
SELECT count(*)::int AS n FROM enquiry_attempts WHERE client_hash = $1 AND at > now() - make_interval(secs => $2);

-- name: recordAttempt
WITH gone AS (DELETE FROM enquiry_attempts WHERE at < now() - interval '1 day')
INSERT INTO enquiry_attempts (client_hash) VALUES ($1);

-- name: publishedCarrier
SELECT id, park_id, county_adcode FROM carriers WHERE id = $1 AND review_state = 'published';

-- name: publishedPark
SELECT id, county_adcode FROM parks WHERE id = $1 AND review_state = 'published';

-- name: insertEnquiry
INSERT INTO enquiries (reference, company, contact_person, phone, email, industry, investment_wan, space_kind, space_m2,
                       space_unit, message, park_id, carrier_id, county_adcode, lang, client_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (reference) DO NOTHING
RETURNING id, reference, created_at;

-- name: listEnquiries
SELECT e.id, e.reference, e.company, e.contact_person, e.phone, e.email, e.industry, e.investment_wan::float8 AS investment_wan,
       e.space_kind, e.space_m2, e.space_unit, e.status, e.park_id, p.name_zh AS park_name_zh, p.name_en AS park_name_en,
       e.carrier_id, c.code AS carrier_code, c.name AS carrier_name, c.name_en AS carrier_name_en, c.kind AS carrier_kind,
       e.county_adcode, a.name_zh AS county_name_zh, a.name_en AS county_name_en,
       e.assigned_to, u.username AS assigned_username, u.display_name AS assigned_display_name,
       e.lang, e.created_at, e.updated_at, count(*) OVER ()::int AS total
FROM enquiries e
LEFT JOIN parks p ON p.id = e.park_id
LEFT JOIN carriers c ON c.id = e.carrier_id
LEFT JOIN admin_areas a ON a.adcode = e.county_adcode
LEFT JOIN users u ON u.id = e.assigned_to
WHERE ($1::text[] IS NULL OR e.status = ANY ($1::text[]))
  AND ($2::bigint IS NULL OR e.park_id = $2)
  AND ($3::text IS NULL OR e.county_adcode = $3)
  AND ($4::bigint IS NULL OR e.assigned_to = $4)
  AND ($5::text IS NULL OR e.company ILIKE '%' || $5 || '%' OR e.contact_person ILIKE '%' || $5 || '%' OR e.reference ILIKE '%' || $5 || '%')
ORDER BY e.created_at DESC, e.id DESC
LIMIT $6 OFFSET $7;

-- name: statusCounts
SELECT status, count(*)::int AS n FROM enquiries GROUP BY status;

-- name: getEnquiry
SELECT e.id, e.reference, e.company, e.contact_person, e.phone, e.email, e.industry, e.investment_wan::float8 AS investment_wan,
       e.space_kind, e.space_m2, e.space_unit, e.message, e.status, e.park_id, p.name_zh AS park_name_zh, p.name_en AS park_name_en,
       e.carrier_id, c.code AS carrier_code, c.name AS carrier_name, c.name_en AS carrier_name_en, c.kind AS carrier_kind,
       e.county_adcode, a.name_zh AS county_name_zh, a.name_en AS county_name_en,
       e.assigned_to, u.username AS assigned_username, u.display_name AS assigned_display_name,
       e.lang, e.created_at, e.updated_at, 0 AS total
FROM enquiries e
LEFT JOIN parks p ON p.id = e.park_id
LEFT JOIN carriers c ON c.id = e.carrier_id
LEFT JOIN admin_areas a ON a.adcode = e.county_adcode
LEFT JOIN users u ON u.id = e.assigned_to
WHERE e.id = $1;

-- name: lockEnquiry
SELECT id, status, assigned_to FROM enquiries WHERE id = $1 FOR UPDATE;

-- name: setStatus
UPDATE enquiries SET status = $2, updated_at = now() WHERE id = $1;

-- name: setAssignee
UPDATE enquiries SET assigned_to = $2, updated_at = now() WHERE id = $1;

-- name: touchEnquiry
UPDATE enquiries SET updated_at = now() WHERE id = $1;

-- name: insertEvent
INSERT INTO enquiry_events (enquiry_id, user_id, kind, body, from_status, to_status, assigned_to)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: events
SELECT ev.id, ev.kind, ev.body, ev.from_status, ev.to_status, ev.assigned_to, ev.created_at,
       u.username, u.display_name, au.username AS assigned_username, au.display_name AS assigned_display_name
FROM enquiry_events ev
LEFT JOIN users u ON u.id = ev.user_id
LEFT JOIN users au ON au.id = ev.assigned_to
WHERE ev.enquiry_id = $1
ORDER BY ev.id;

-- name: assignees
SELECT id, username, display_name, role FROM users WHERE role IN ('officer', 'admin') AND NOT disabled ORDER BY role DESC, username;

-- name: assigneeById
SELECT id FROM users WHERE id = $1 AND role IN ('officer', 'admin') AND NOT disabled;
