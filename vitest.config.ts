import { defineConfig } from 'vitest/config';

// Three projects: `unit` (npm test: fast, real ORT + real PGlite), `perf` (npm run perf: the
// performance suites, driven by bin/perf.js) and `selftest` (npm run perf:selftest: long A/A and
// injected-regression checks of the harness itself).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'perf-tests/support/**/*.test.ts'],
          // The run's database server, chosen once (test/database-global-setup.ts), for every test file.
          globalSetup: ['test/build-model-packs.ts', 'test/database-global-setup.ts'],
          setupFiles: ['test/database-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'perf',
          include: ['perf-tests/**/*.perf.ts'],
          globalSetup: ['perf-tests/support/global-setup.ts'],
          // Harness matchers + on-demand profiling (src/perf/suite/setup-perf.ts); options come from
          // bin/perf.js through `provide`.
          // The database server the runner chose for the run comes in through `provide` (test/database-setup.ts).
          setupFiles: ['src/perf/suite/setup-perf.ts', 'test/database-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'selftest',
          include: ['perf-tests/selftest/**/*.selftest.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 600_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
