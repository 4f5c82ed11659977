/**
 * The one locator of the shared third-party test fixtures: `FIXTURES_DIR`, by default
 * `../shared/fixtures` beside the repository. They are read at test time and never copied into
 * the product (origins and licences: MANIFEST.md there).
 *
 * Without the fixtures (a clone elsewhere) the tests that need them are skipped — `itFx` and
 * `describeFx` instead of `it` and `describe` — and the run prints once how many were skipped and
 * why (`test/fixture-skips.reporter.ts`). In CI their absence is an error, not a skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { ROOT_DIR } from '../core/config.ts';
import type { InputFile } from '../survey-import/types.ts';

/** Root of the fixtures folder. */
export const FIXTURES_DIR = path.resolve(process.env.FIXTURES_DIR ?? path.join(ROOT_DIR, '..', 'shared', 'fixtures'));

/** Whether the fixtures are present; in CI (`CI` set) their absence throws instead. */
export function hasFixtures(): boolean {
  const ok = fs.existsSync(path.join(FIXTURES_DIR, 'EXPECTED.md'));
  if (!ok && process.env.CI) throw new Error(`fixtures not found at ${FIXTURES_DIR} (set FIXTURES_DIR)`);
  return ok;
}

/** `it` for a test that reads fixtures: skipped when they are absent. */
export const itFx = it.skipIf(!hasFixtures());

/** `describe` for a block whose tests (or whose body) read fixtures: skipped when they are absent. */
export const describeFx = describe.skipIf(!hasFixtures());

/** Absolute path of a fixture, e.g. `fixture('drone/dji_xt2_thermal.jpg')`. */
export function fixture(relative: string): string {
  return path.join(FIXTURES_DIR, relative);
}

/** Bytes of a fixture. */
export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(fixture(relative)));
}

/** A fixture as the importers receive a file: its base name and bytes. */
export function fixtureFile(relative: string): InputFile {
  const p = path.isAbsolute(relative) ? relative : fixture(relative);
  return { name: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) };
}

/** An InputFile from literal text (UTF-8). */
export function textFile(name: string, text: string): InputFile {
  return { name, bytes: new TextEncoder().encode(text) };
}

/** exiftool is a test-only cross-check; CI must have it, elsewhere the check is skipped. */
export const EXIFTOOL = '/usr/bin/exiftool';
export const hasExiftool = fs.existsSync(EXIFTOOL) || !!process.env.CI;
