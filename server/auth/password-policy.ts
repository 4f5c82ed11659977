/**
 * Password policy for new passwords: at least 10 characters, not one of the common passwords
 * shipped in `common-passwords.txt`, not the username itself, and not one character or one short pattern
 * repeated. The list holds every entry of 10 or more characters (compared case-insensitively) of
 * the 49,233-password list of `@zxcvbn-ts/language-common` 4.1.3 (MIT, see
 * `LICENSE-common-passwords.txt`), plus a few dozen common Chinese and site-specific ones; shorter
 * entries are not needed because the length rule refuses them already.
 */
import fs from 'node:fs';
import { AppError } from '../../core/errors.ts';

/** Fewest characters a new password may have. */
export const PASSWORD_MIN_LENGTH = 10;
/** Most characters (scrypt hashes any length, but a megabyte password is an attack, not a secret). */
export const PASSWORD_MAX_LENGTH = 256;

let common: Set<string> | undefined;

/** The shipped common-password list, lower-cased, loaded once. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8').split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean),
  );
  return common;
}

/** Why `password` is refused for `username`, or null when it may be used. */
export function passwordProblem(password: string, username = ''): string | null {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) return `must have at least ${PASSWORD_MIN_LENGTH} characters, got ${chars.length}`;
  if (chars.length > PASSWORD_MAX_LENGTH) return `must have at most ${PASSWORD_MAX_LENGTH} characters, got ${chars.length}`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'is on the list of commonly used passwords';
  if (username && lower === username.toLowerCase()) return 'must not be the username';
  // One short unit repeated ("aaaaaaaaaa", "abcabcabcabc", "1212121212").
  if (/^(.{1,3})\1+$/su.test(password)) return 'must not be one short pattern repeated';
  return null;
}

/** Throw 400 naming the account and the rule when `password` breaks the policy. */
export function checkPasswordPolicy(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new AppError('bad_request', `password for "${username}" ${problem}`, { field: 'password', rule: problem });
}
