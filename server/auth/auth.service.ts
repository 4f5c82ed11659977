/**
 * Sign-in, sessions and the first admin. Holds the rules; knows nothing of HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { AuthRepository, ThrottleState } from './auth.repository.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { checkPasswordPolicy } from './password-policy.ts';
import { ACCOUNT_ROLES, type AccountRole, type SessionUser } from './roles.ts';

// A valid hash of a random password: verifying against it costs the same time as a real user,
// so response time does not reveal whether a username exists.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Session lifetimes and sign-in throttling (from the configuration). */
export interface AuthOptions {
  /** Absolute session lifetime. */
  sessionHours: number;
  /** A session unused this long ends. */
  sessionIdleMinutes: number;
  /** Failed sign-ins per account within the window before it is locked. */
  loginMaxFailures: number;
  /** Failed sign-ins per client address within the window before it is locked. */
  loginIpMaxFailures: number;
  /** Length of the counting window. */
  loginWindowMinutes: number;
  /** How long a lock lasts. */
  loginLockoutMinutes: number;
}

/** Longest username looked up (accounts allow 64 characters; longer ones are refused before any query). */
const MAX_USERNAME = 200;

/** Authentication rules. */
export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    readonly options: AuthOptions,
  ) {}

  private refused(kind: 'account' | 'address', username: string, until: Date): AppError {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    const minutes = Math.ceil(seconds / 60);
    return new AppError('too_many_requests', kind === 'account'
      ? `sign-in for "${username}" is locked after too many failed attempts; try again in ${minutes} min`
      : `too many failed sign-ins from this address; try again in ${minutes} min`,
    { locked: kind, lockedUntil: until.toISOString(), retryAfterS: seconds });
  }

  private async lock(state: ThrottleState, username: string, address: string): Promise<Date> {
    const until = await this.repo.lockKey(state.key, this.options.loginLockoutMinutes);
    const kind = state.key.startsWith('account:') ? 'account' : 'address';
    await this.repo.insertAuthEvent('locked', username, null, address, { lockedKey: kind, failures: state.failures, lockedUntil: until });
    return until;
  }

  /**
   * Check credentials and open a session; returns the user and the session token for the cookie.
   * Every attempt is counted against the account and the client address before the password is
   * checked (so concurrent guesses cannot all slip in before the first is counted: those beyond
   * the failures left are refused unchecked with 429); a key that
   * reaches its limit of failures within the window is locked for a while (audited), and while
   * locked it is refused with 429 without checking the password, even the right one. A successful
   * sign-in clears the account's count and takes its attempt back from the address's.
   */
  async login(username: unknown, password: unknown, address = 'unknown'): Promise<{ user: SessionUser; token: string }> {
    if (typeof username !== 'string' || !username) {
      throw new AppError('bad_request', `field "username" must be a non-empty string, got ${JSON.stringify(username ?? null)}`, { field: 'username' });
    }
    if (username.length > MAX_USERNAME || /[\u0000-\u001f\u007f]/.test(username)) {
      throw new AppError('bad_request', `field "username" must be at most ${MAX_USERNAME} characters without control characters, got ${JSON.stringify(username.slice(0, 80))}`, { field: 'username' });
    }
    if (typeof password !== 'string' || !password) {
      throw new AppError('bad_request', 'field "password" must be a non-empty string', { field: 'password' });
    }
    if (password.length > 1024) throw new AppError('bad_request', `field "password" must be at most 1024 characters, got ${password.length}`, { field: 'password' });
    const o = this.options;
    const accountKey = `account:${username}`;
    const addressKey = `address:${address}`;
    const limitOf = (key: string) => (key === accountKey ? o.loginMaxFailures : o.loginIpMaxFailures);
    const kindOf = (key: string) => (key === accountKey ? 'account' as const : 'address' as const);
    const counted = await this.repo.countAttempt([accountKey, addressKey], o.loginWindowMinutes);
    const locked = counted.find((c) => c.locked);
    if (locked) {
      // A refused attempt counts against no key (the locked one is not counted further anyway).
      await this.repo.uncountAttempt([accountKey, addressKey]);
      await this.repo.insertAuthEvent('login_refused', username, null, address, { lockedKey: kindOf(locked.key), lockedUntil: locked.lockedUntil });
      throw this.refused(kindOf(locked.key), username, locked.lockedUntil!);
    }
    // More attempts in flight than failures left (concurrent guesses): refused unchecked and not
    // counted, so a burst of genuine sign-ins from one office address never locks it.
    if (counted.some((c) => c.failures > limitOf(c.key))) {
      await this.repo.uncountAttempt([accountKey, addressKey]);
      throw new AppError('too_many_requests', `too many sign-in attempts at once for "${username}"; try again in a few seconds`, { retryAfterS: 5 });
    }

    const record = await this.repo.findUserByUsername(username);
    const ok = await verifyPassword(password, record?.passwordHash ?? (await DUMMY_HASH));
    if (!record || !ok || record.disabled) {
      const failures = Object.fromEntries(counted.map((c) => [kindOf(c.key), c.failures]));
      await this.repo.insertAuthEvent('login_failed', username, record?.id ?? null, address, { failures });
      for (const c of counted) if (c.failures >= limitOf(c.key)) await this.lock(c, username, address);
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    await this.repo.forgiveAttempt(accountKey, addressKey);
    const token = randomBytes(32).toString('base64url');
    await this.repo.insertSession(sha256(token), record.id, o.sessionHours);
    await this.repo.touchLogin(record.id);
    await this.repo.insertAuthEvent('login_ok', username, record.id, address);
    const { passwordHash: _h, disabled: _d, ...user } = record;
    return { user, token };
  }

  /** The user of a session token, or null when the token is unknown, expired or idle too long. */
  async userForToken(token: string | undefined): Promise<SessionUser | null> {
    if (!token || token.length > 200) return null;
    const hash = sha256(token);
    const found = await this.repo.findSession(hash, this.options.sessionIdleMinutes);
    if (!found) return null;
    if (found.stale) await this.repo.touchSession(hash);
    return found.user;
  }

  /** End every session of `user` (sign out everywhere); returns how many ended. Audited. */
  async logoutEverywhere(user: SessionUser, address: string): Promise<number> {
    const ended = await this.repo.deleteUserSessions(user.id);
    await this.repo.insertAuthEvent('logout_all', user.username, user.id, address, { sessions: ended });
    return ended;
  }

  /** End a session. */
  async logout(token: string | undefined): Promise<void> {
    if (token) await this.repo.deleteSession(sha256(token));
  }

  /** Create an account. Passwords must follow the policy (`password-policy.ts`). */
  async createUser(username: string, password: string, role: AccountRole, displayName = ''): Promise<SessionUser> {
    if (!ACCOUNT_ROLES.includes(role)) {
      throw new AppError('bad_request', `role must be one of ${ACCOUNT_ROLES.join(', ')}, got "${role}"`);
    }
    checkPasswordPolicy(password, username);
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

  /** Remove expired and idle sessions and finished throttling counters (called periodically). */
  async purgeExpired(): Promise<number> {
    await this.repo.deleteStaleThrottles(Math.max(this.options.loginWindowMinutes, this.options.loginLockoutMinutes));
    return this.repo.deleteExpiredSessions(this.options.sessionIdleMinutes);
  }
}
