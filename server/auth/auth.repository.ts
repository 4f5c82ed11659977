/**
 * Users and sessions in PostgreSQL. The only code that runs auth SQL.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import type { AccountRole, SessionUser } from './roles.ts';

const Q = loadQueries(import.meta.url, 'auth.sql', [
  'findUserByUsername', 'insertUser', 'countAdmins', 'touchLogin',
  'insertSession', 'findSession', 'deleteSession', 'deleteExpiredSessions',
] as const);

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

  async findSession(tokenSha256: string): Promise<SessionUser | null> {
    const { rows } = await this.pool.query(Q.findSession, [tokenSha256]);
    return rows.length ? toUser(rows[0]) : null;
  }

  async deleteSession(tokenSha256: string): Promise<void> {
    await this.pool.query(Q.deleteSession, [tokenSha256]);
  }

  async deleteExpiredSessions(): Promise<number> {
    const r = await this.pool.query(Q.deleteExpiredSessions);
    return r.rowCount ?? 0;
  }
}
