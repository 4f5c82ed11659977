-- name: findUserByUsername
SELECT id, username, display_name, role, password_hash, disabled
FROM users WHERE username = $1;

-- name: insertUser
INSERT INTO users (username, display_name, role, password_hash)
VALUES ($1, $2, $3, $4)
RETURNING id, username, display_name, role;

-- name: countAdmins
SELECT count(*) AS n FROM users WHERE role = 'admin';

-- name: touchLogin
UPDATE users SET last_login_at = now() WHERE id = $1;

-- name: insertSession
INSERT INTO sessions (token_sha256, user_id, expires_at)
VALUES ($1, $2, now() + make_interval(hours => $3));

-- name: findSession
-- A live session: before its absolute expiry and used within the idle timeout ($2 minutes).
-- `stale` says its last use is over a minute old and should be written.
SELECT u.id, u.username, u.display_name, u.role, (s.last_seen_at < now() - interval '1 minute') AS stale
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_sha256 = $1 AND s.expires_at > now()
  AND s.last_seen_at > now() - make_interval(mins => $2) AND NOT u.disabled;

-- name: deleteSession
DELETE FROM sessions WHERE token_sha256 = $1;

-- name: deleteExpiredSessions
-- Sessions past their absolute expiry or idle for more than $1 minutes.
DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1);

-- name: touchSession
-- Idle timeout: a session's last use, written at most once a minute.
UPDATE sessions SET last_seen_at = now() WHERE token_sha256 = $1;

-- name: deleteUserSessions
-- Sign-out everywhere: every session of the user. Returns how many ended.
DELETE FROM sessions WHERE user_id = $1 RETURNING user_id;

-- name: countAttempt
-- Sign-in throttling: count an attempt against key $1 ('account:<name>' or 'address:<ip>')
-- before the password is checked, so concurrent guesses cannot all pass a check made before any
-- of them is counted. A key whose window ($2 minutes) has passed starts again at 1; a locked key
-- is not counted further. Returns the key's count and lock. One row per statement: statements
-- that lock several rows in different orders deadlock under concurrent sign-ins (PostgreSQL 40P01).
INSERT INTO login_throttle AS t (key, failures, window_start)
VALUES ($1, 1, now())
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN t.locked_until > now() THEN t.failures
                  WHEN t.window_start < now() - make_interval(mins => $2) THEN 1
                  ELSE t.failures + 1 END,
  window_start = CASE WHEN t.locked_until > now() THEN t.window_start
                      WHEN t.window_start < now() - make_interval(mins => $2) THEN now()
                      ELSE t.window_start END
RETURNING key, failures, locked_until, (locked_until > now()) AS locked;

-- name: lockKey
-- Lock a key for $2 minutes; its count starts again when the lock ends.
UPDATE login_throttle SET locked_until = now() + make_interval(mins => $2), failures = 0, window_start = now()
WHERE key = $1
RETURNING locked_until;

-- name: forgiveAttempt
-- A successful sign-in: $1 the key, $2 true to clear it (the account), false to take one attempt
-- back (the address). One row per statement, so concurrent sign-ins never deadlock.
UPDATE login_throttle
SET failures = CASE WHEN $2::boolean THEN 0 ELSE greatest(failures - 1, 0) END
WHERE key = $1 AND (locked_until IS NULL OR locked_until <= now());

-- name: uncountAttempt
-- An attempt refused unchecked is taken back from key $1 (unless it is locked).
UPDATE login_throttle SET failures = greatest(failures - 1, 0)
WHERE key = $1 AND (locked_until IS NULL OR locked_until <= now());

-- name: deleteStaleThrottles
-- Counters whose window and lock are both over.
DELETE FROM login_throttle
WHERE window_start < now() - make_interval(mins => $1) AND (locked_until IS NULL OR locked_until < now());

-- name: insertAuthEvent
-- $1 kind, $2 username, $3 user id, $4 client address, $5 detail jsonb.
INSERT INTO auth_events (kind, username, user_id, address, detail)
VALUES ($1, left($2, 200), $3, left($4, 100), $5::jsonb);
