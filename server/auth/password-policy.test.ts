import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { checkPasswordPolicy, commonPasswords, passwordProblem } from './password-policy.ts';

describe('password policy', () => {
  it('ships a list of common passwords of 10 or more characters', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThan(1500);
    for (const p of ['1234567890', 'qwertyuiop', 'password123', 'woaini1314', '1qaz2wsx3edc']) expect(list.has(p)).toBe(true);
    for (const p of list) expect([...p].length).toBeGreaterThanOrEqual(10);
  });

  it('refuses short, common, username-based and repeated passwords with the rule that failed', () => {
    expect(passwordProblem('12345678')).toBe('must have at least 10 characters, got 8');
    expect(passwordProblem('Password123')).toBe('is on the list of commonly used passwords');
    expect(passwordProblem('QWERTYUIOP')).toBe('is on the list of commonly used passwords');
    expect(passwordProblem('Officer.Zhang2026', 'officer.zhang2026')).toBe('must not be the username');
    expect(passwordProblem('abcabcabcabc')).toBe('must not be one short pattern repeated');
    expect(passwordProblem('x'.repeat(257))).toBe('must have at most 256 characters, got 257');
  });

  it('accepts a long uncommon password, counting characters not bytes', () => {
    expect(passwordProblem('test-admin-password', 'admin')).toBe(null); // the test suite's admin
    expect(passwordProblem('correct horse battery staple', 'alice')).toBe(null);
    expect(passwordProblem('达州招商载体资源平台', 'alice')).toBe(null);
    expect(passwordProblem('达州招商载体资源平', 'alice')).toBe('must have at least 10 characters, got 9');
  });

  it('throws a 400 AppError naming the account', () => {
    expect(() => checkPasswordPolicy('12345678', 'bob')).toThrow(AppError);
    expect(() => checkPasswordPolicy('12345678', 'bob')).toThrow('password for "bob" must have at least 10 characters, got 8');
  });
});
