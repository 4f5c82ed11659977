import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The embedded database serializes transactions; two workers are plenty on 2 cores.
    maxWorkers: 2,
    // Says once how many tests were skipped because ../shared/fixtures is absent (test/fixtures.ts).
    reporters: ['default', './test/fixture-skips.reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'server/**/*.test.ts', 'tiles/**/*.test.ts', 'layers/**/*.test.ts', 'survey-import/**/*.test.ts', 'assets/**/*.test.ts', 'ui/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          // The browser client's logic (style builder, formatting, geometry, GLB reading) in a DOM of its own.
          include: ['web/src/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // One real server (embedded PGlite + PostGIS, or DATABASE_URL) for the whole run.
          globalSetup: ['test/global-setup.ts'],
          // Files share one database and some change it (imports, edits): run them one at a time.
          fileParallelism: false,
          // ...in one worker that keeps its imported modules between files: the tests talk to the one
          // server over HTTP and pg, and no test mocks or stubs modules, globals or timers, so a fresh
          // module graph per file only re-imported the same code (the PostgreSQL run spent 222 s of 887 s importing).
          // Each file still runs its own top-level code, hooks and tests.
          isolate: false,
          // A non-isolated project with its own worker count runs in a group of its own (vitest requires it):
          // after the unit and web projects, which share the two workers.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
