-- 009: account security and shortlist owners.
--  * Sign-in throttling: failure counters per account and per client address, with a temporary
--    lock, kept in the database so several servers share them.
--  * An audit log of sign-in events (failures, locks, successes, sign-out everywhere).
--  * Idle timeout: a session remembers when it was last used.
--  * Shortlists get an owner: only the owner (or an admin) changes, shares or revokes one; other
--    officers read it. Existing shortlists belong to whoever created them.

CREATE TABLE login_throttle (
  -- 'account:<username>' or 'address:<client IP>'
  key              text PRIMARY KEY CHECK (length(key) <= 200),
  failures         integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  -- start of the current counting window; failures older than the window are forgotten
  window_start     timestamptz NOT NULL DEFAULT now(),
  locked_until     timestamptz
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);

CREATE TABLE auth_events (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  -- login_ok, login_failed, login_refused (while locked), locked (a lock begins), logout_all, password_rejected
  kind       text NOT NULL CHECK (kind IN ('login_ok', 'login_failed', 'login_refused', 'locked', 'logout_all', 'password_rejected')),
  username   text CHECK (length(username) <= 200),
  user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
  address    text CHECK (length(address) <= 100),
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX auth_events_at_idx ON auth_events (at DESC);
CREATE INDEX auth_events_username_idx ON auth_events (username, at DESC);

ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_user_idx ON sessions (user_id);

ALTER TABLE shortlists ADD COLUMN owner_id bigint REFERENCES users (id) ON DELETE SET NULL;
UPDATE shortlists SET owner_id = created_by;
CREATE INDEX shortlists_owner_idx ON shortlists (owner_id);
