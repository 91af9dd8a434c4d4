import { defineConfig } from 'vitest/config';

// One run over every workspace: `npm test` (scripts/test.mjs) ends with this runner's summary.
export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'apps/*/app/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['./packages/testkit/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: more workers than that only adds contention for Postgres and the CPU.
    maxWorkers: 2,
    reporters: ['default', './scripts/test-summary-reporter.ts'],
  },
});
