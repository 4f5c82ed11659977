-- Demo policies and featured projects, written once after the demo data (see demo-policies.ts).

-- name: demoState
SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo_seeded') AS demo_seeded,
       EXISTS (SELECT 1 FROM settings WHERE key = 'demo_policies_seeded') AS policies_seeded;

-- name: parksByCode
SELECT id, code FROM parks WHERE code = ANY ($1::text[]);

-- name: markSeeded
INSERT INTO settings (key, value) VALUES ('demo_policies_seeded', $1::jsonb) ON CONFLICT (key) DO NOTHING;
