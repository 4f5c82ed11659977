-- Demo enquiries, written once after the demo data (see demo-enquiries.ts).

-- name: demoState
SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS demo_seeded,
       EXISTS (SELECT 1 FROM settings WHERE key = 'demo_enquiries_seeded')
         OR EXISTS (SELECT 1 FROM enquiries WHERE client_hash = $1) AS enquiries_seeded;

-- The published park of a code, and its $3-th published available carrier of kind $2 (by id; none when $2 is null).
-- name: target
SELECT p.id AS park_id,
       (SELECT c.id FROM carriers c
        WHERE c.park_id = p.id AND c.kind = $2 AND c.review_state = 'published' AND c.status = 'available'
        ORDER BY c.id OFFSET $3 LIMIT 1) AS carrier_id
FROM parks p WHERE p.code = $1 AND p.review_state = 'published';

-- The first admin (the account the demo's officer work is done and assigned as).
-- name: firstAdmin
SELECT id, username, COALESCE(display_name, username) AS display_name, role FROM users
WHERE role = 'admin' ORDER BY id LIMIT 1;

-- name: idOf
SELECT id FROM enquiries WHERE reference = $1;

-- name: eventCount
SELECT count(*)::int AS n FROM enquiry_events WHERE enquiry_id = $1;

-- An enquiry and its events moved to the demo's past: $2 received (its reference number's day too, in UTC as
-- newReference writes it), $3 its events in id order (the last is updated_at).
-- name: backdate
WITH ev AS (
  SELECT v.id, a.at
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM enquiry_events WHERE enquiry_id = $1) v
  JOIN unnest($3::timestamptz[]) WITH ORDINALITY AS a(at, n) ON a.n = v.n
), moved AS (
  UPDATE enquiry_events e SET created_at = ev.at FROM ev WHERE e.id = ev.id RETURNING e.id
)
UPDATE enquiries SET created_at = $2::timestamptz,
       reference = 'DZ-' || to_char($2::timestamptz AT TIME ZONE 'UTC', 'YYMMDD') || substr(reference, 10),
       updated_at = COALESCE((SELECT max(at) FROM unnest($3::timestamptz[]) t(at)), $2::timestamptz)
WHERE id = $1;

-- name: markSeeded
INSERT INTO settings (key, value) VALUES ('demo_enquiries_seeded', $1::jsonb) ON CONFLICT (key) DO NOTHING;
