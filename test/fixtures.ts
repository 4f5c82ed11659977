/**
 * Location of the shared third-party test fixtures (`../shared/fixtures` beside the repository,
 * or FIXTURES_DIR). They are read at test time and never copied into the product.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../core/config.ts';

/** Root of the fixtures folder. */
export const FIXTURES_DIR = process.env.FIXTURES_DIR ?? path.resolve(ROOT_DIR, '..', 'shared', 'fixtures');

/** Absolute path of a fixture, e.g. `fixture('drone/dji_xt2_thermal.jpg')`. */
export function fixture(relative: string): string {
  return path.join(FIXTURES_DIR, relative);
}

/** Whether the fixtures are present; in CI their absence is an error, not a skip. */
export function hasFixtures(): boolean {
  const ok = fs.existsSync(path.join(FIXTURES_DIR, 'EXPECTED.md'));
  if (!ok && process.env.CI) throw new Error(`fixtures not found at ${FIXTURES_DIR}`);
  return ok;
}
