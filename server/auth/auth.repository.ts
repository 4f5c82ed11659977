/**
 * Users and sessions in PostgreSQL. The only code that runs auth SQL.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import type { AccountRole, SessionUser } from './roles.ts';

const Q = loadQueries(import.meta.url, 'auth.sql', [
  'findUserByUsername', 'insertUser', 'countAdmins', 'touchLogin',
  'insertSession', 'findSession', 'deleteSession', 'deleteExpiredSessions', 'touchSession', 'deleteUserSessions',
  'countAttempt', 'lockKey', 'forgiveAttempt', 'uncountAttempt', 'deleteStaleThrottles', 'insertAuthEvent',
] as const);

/** Kinds of audited sign-in events (migration 009). */
export type AuthEventKind = 'login_ok' | 'login_failed' | 'login_refused' | 'locked' | 'logout_all' | 'password_rejected';

/** A throttling key's state after an attempt was counted. */
export interface ThrottleState {
  key: string;
  failures: number;
  lockedUntil: Date | null;
  locked: boolean;
}

/** A user row including its password hash (never leaves the auth service). */
export interface UserRecord extends SessionUser {
  passwordHash: string;
  disabled: boolean;
}

function toUser(r: { id: number; username: string; display_name: string; role: AccountRole }): SessionUser {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role };
}

/** Data access for users and sessions. */
export class AuthRepository {
  constructor(private readonly pool: pg.Pool) {}

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query(Q.findUserByUsername, [username]);
    if (!rows.length) return null;
    return { ...toUser(rows[0]), passwordHash: rows[0].password_hash, disabled: rows[0].disabled };
  }

  async insertUser(username: string, displayName: string, role: AccountRole, passwordHash: string): Promise<SessionUser> {
    const { rows } = await this.pool.query(Q.insertUser, [username, displayName, role, passwordHash]);
    return toUser(rows[0]);
  }

  async countAdmins(): Promise<number> {
    const { rows } = await this.pool.query(Q.countAdmins);
    return rows[0].n;
  }

  async touchLogin(userId: number): Promise<void> {
    await this.pool.query(Q.touchLogin, [userId]);
  }

  async insertSession(tokenSha256: string, userId: number, hours: number): Promise<void> {
    await this.pool.query(Q.insertSession, [tokenSha256, userId, hours]);
  }

  /** The user of a live session (absolute expiry and idle timeout); `stale` when its last use should be written. */
  async findSession(tokenSha256: string, idleMinutes: number): Promise<{ user: SessionUser; stale: boolean } | null> {
    const { rows } = await this.pool.query(Q.findSession, [tokenSha256, idleMinutes]);
    return rows.length ? { user: toUser(rows[0]), stale: rows[0].stale } : null;
  }
  /** Record a session's use now (idle timeout). */
  async touchSession(tokenSha256: string): Promise<void> {
    await this.pool.query(Q.touchSession, [tokenSha256]);
  }
  /** End every session of a user; returns how many ended. */
  async deleteUserSessions(userId: number): Promise<number> {
    return (await this.pool.query(Q.deleteUserSessions, [userId])).rowCount ?? 0;
  }
  /** Count a sign-in attempt against each key within a window of `windowMinutes` (one statement per key). */
  async countAttempt(keys: string[], windowMinutes: number): Promise<ThrottleState[]> {
    const states: ThrottleState[] = [];
    for (const key of keys) {
      const r = (await this.pool.query(Q.countAttempt, [key, windowMinutes])).rows[0];
      states.push({ key: r.key, failures: r.failures, lockedUntil: r.locked_until, locked: r.locked === true });
    }
    return states;
  }
  /** Lock a key for `minutes`; returns when the lock ends. */
  async lockKey(key: string, minutes: number): Promise<Date> {
    return (await this.pool.query(Q.lockKey, [key, minutes])).rows[0].locked_until;
  }
  /** After a successful sign-in: clear the account's count, take the address's attempt back. */
  async forgiveAttempt(accountKey: string, addressKey: string): Promise<void> {
    await this.pool.query(Q.forgiveAttempt, [accountKey, true]);
    await this.pool.query(Q.forgiveAttempt, [addressKey, false]);
  }
  /** Take back an attempt that was refused without checking it. */
  async uncountAttempt(keys: string[]): Promise<void> {
    for (const key of keys) await this.pool.query(Q.uncountAttempt, [key]);
  }
  /** Drop counters whose window and lock are over. */
  async deleteStaleThrottles(windowMinutes: number): Promise<number> {
    return (await this.pool.query(Q.deleteStaleThrottles, [windowMinutes])).rowCount ?? 0;
  }
  /** Append to the sign-in audit log. */
  async insertAuthEvent(kind: AuthEventKind, username: string | null, userId: number | null, address: string | null, detail: Record<string, unknown> = {}): Promise<void> {
    await this.pool.query(Q.insertAuthEvent, [kind, username, userId, address, JSON.stringify(detail)]);
  }

  async deleteSession(tokenSha256: string): Promise<void> {
    await this.pool.query(Q.deleteSession, [tokenSha256]);
  }

  async deleteExpiredSessions(idleMinutes: number): Promise<number> {
    const r = await this.pool.query(Q.deleteExpiredSessions, [idleMinutes]);
    return r.rowCount ?? 0;
  }
}
