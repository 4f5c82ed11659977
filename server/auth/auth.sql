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
SELECT u.id, u.username, u.display_name, u.role
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_sha256 = $1 AND s.expires_at > now() AND NOT u.disabled;

-- name: deleteSession
DELETE FROM sessions WHERE token_sha256 = $1;

-- name: deleteExpiredSessions
DELETE FROM sessions WHERE expires_at <= now();
