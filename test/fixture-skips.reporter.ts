/**
 * Vitest reporter: when the shared fixtures are absent, prints once at the end how many tests were
 * skipped for that reason (skipped tests in files that use `test/fixtures.ts`) and how to get them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const FIXTURES_DIR = path.resolve(process.env.FIXTURES_DIR ?? path.join(import.meta.dirname, '..', '..', 'shared', 'fixtures'));

export default class FixtureSkipsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (fs.existsSync(path.join(FIXTURES_DIR, 'EXPECTED.md'))) return;
    let skipped = 0;
    let files = 0;
    for (const m of testModules) {
      const text = fs.existsSync(m.moduleId) ? fs.readFileSync(m.moduleId, 'utf8') : '';
      if (!/from '[./]*(test\/)?fixtures\.ts'/.test(text)) continue;
      let here = 0;
      for (const t of m.children.allTests()) if (t.result().state === 'skipped') here++;
      if (here) { skipped += here; files++; }
    }
    console.log(`\nfixtures: ${skipped} tests in ${files} files skipped — the shared fixtures are not at ${FIXTURES_DIR} (set FIXTURES_DIR to run them)\n`);
  }
}
