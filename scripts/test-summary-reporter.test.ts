import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './lib/ensure-deps.mjs';

describe('the summary line', () => {
  it('counts tests a failing beforeAll kept from running, and hooks or files that broke alone, as failed', () => {
    // scripts/summary-fixtures: a beforeAll that throws above two tests, a passing, a failing and a skipped test,
    // an afterAll that throws after a passing test, and a file that does not load.
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'scripts/summary-fixtures/vitest.config.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 5 failed, 1 skipped');
  });
});
