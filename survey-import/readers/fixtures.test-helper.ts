/** Test helper: loads a real fixture from /work/shared/fixtures (or $FIXTURES_DIR) at test time. */
import fs from 'node:fs';
import path from 'node:path';
import type { InputFile } from '../types.ts';

/** Root of the shared fixture files. */
export const FIXTURES = process.env.FIXTURES_DIR ?? '/work/shared/fixtures';

/** Reads `rel` (relative to FIXTURES, or absolute) as an InputFile named by its base name. */
export function fixture(rel: string): InputFile {
  const p = path.isAbsolute(rel) ? rel : path.join(FIXTURES, rel);
  return { name: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) };
}

/** An InputFile from literal text (UTF-8). */
export function textFile(name: string, text: string): InputFile {
  return { name, bytes: new TextEncoder().encode(text) };
}
