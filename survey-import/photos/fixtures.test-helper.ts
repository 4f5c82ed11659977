/**
 * Paths of the shared, read-only test fixtures (never copied into the repo; see
 * /work/shared/fixtures/MANIFEST.md). `FIXTURES_DIR` overrides the default location.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the shared fixtures. */
export const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures');

/** Absolute path of a fixture given relative to the fixtures root, e.g. `drone/x.jpg`. */
export function fixturePath(rel: string): string {
  return path.join(FIXTURES, rel);
}

/** Bytes of a fixture. */
export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(rel)));
}

/** exiftool is a test-only cross-check; CI must have it, elsewhere the check is skipped. */
export const EXIFTOOL = '/usr/bin/exiftool';
export const hasExiftool = existsSync(EXIFTOOL) || !!process.env.CI;
