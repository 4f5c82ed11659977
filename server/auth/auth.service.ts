/**
 * Sign-in, sessions and the first admin. Holds the rules; knows nothing of HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { AuthRepository } from './auth.repository.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { ACCOUNT_ROLES, type AccountRole, type SessionUser } from './roles.ts';

// A valid hash of a random password: verifying against it costs the same time as a real user,
// so response time does not reveal whether a username exists.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Authentication rules. */
export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly sessionHours: number,
  ) {}

  /** Check credentials and open a session; returns the user and the session token for the cookie. */
  async login(username: unknown, password: unknown): Promise<{ user: SessionUser; token: string }> {
    if (typeof username !== 'string' || !username) {
      throw new AppError('bad_request', `field "username" must be a non-empty string, got ${JSON.stringify(username ?? null)}`);
    }
    if (typeof password !== 'string' || !password) {
      throw new AppError('bad_request', 'field "password" must be a non-empty string');
    }
    const record = await this.repo.findUserByUsername(username);
    const ok = await verifyPassword(password, record?.passwordHash ?? (await DUMMY_HASH));
    if (!record || !ok || record.disabled) {
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    const token = randomBytes(32).toString('base64url');
    await this.repo.insertSession(sha256(token), record.id, this.sessionHours);
    await this.repo.touchLogin(record.id);
    const { passwordHash: _h, disabled: _d, ...user } = record;
    return { user, token };
  }

  /** The user of a session token, or null when the token is unknown or expired. */
  async userForToken(token: string | undefined): Promise<SessionUser | null> {
    if (!token || token.length > 200) return null;
    return this.repo.findSession(sha256(token));
  }

  /** End a session. */
  async logout(token: string | undefined): Promise<void> {
    if (token) await this.repo.deleteSession(sha256(token));
  }

  /** Create an account. Passwords need at least 8 characters. */
  async createUser(username: string, password: string, role: AccountRole, displayName = ''): Promise<SessionUser> {
    if (!ACCOUNT_ROLES.includes(role)) {
      throw new AppError('bad_request', `role must be one of ${ACCOUNT_ROLES.join(', ')}, got "${role}"`);
    }
    if (password.length < 8) throw new AppError('bad_request', `password for "${username}" must have at least 8 characters`);
    if (await this.repo.findUserByUsername(username)) throw new AppError('conflict', `user "${username}" already exists`);
    return this.repo.insertUser(username, displayName, role, await hashPassword(password));
  }

  /**
   * On first start (no admin yet) create the admin from ADMIN_USER / ADMIN_PASSWORD. Without a
   * configured password a random one is generated and returned so it can be printed once.
   */
  async ensureFirstAdmin(username: string, password: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.repo.countAdmins()) > 0) return { created: false };
    const generated = password ? undefined : randomBytes(12).toString('base64url');
    await this.createUser(username, password || generated!, 'admin', '管理员');
    return { created: true, generatedPassword: generated };
  }

  /** Remove expired sessions (called periodically). */
  purgeExpired(): Promise<number> {
    return this.repo.deleteExpiredSessions();
  }
}
