import { defineConfig } from 'vitest/config';

/** The summary reporter's fixtures: run by scripts/test-summary-reporter.test.ts, never by the product's suite. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.fixture.ts'],
    reporters: ['../test-summary-reporter.ts'],
  },
});
