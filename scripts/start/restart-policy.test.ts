import { describe, expect, it } from 'vitest';
import { EX_CONFIG, RESTART_POLICY, restartDecision } from './restart-policy';

describe('restartDecision', () => {
  it.each([
    // crashes in a row before, uptime, exit code → decision
    [0, 5_000, 1, { action: 'restart', delayMs: 1_000, crashesInRow: 1 }],
    [1, 5_000, null, { action: 'restart', delayMs: 2_000, crashesInRow: 2 }],
    [4, 100, 1, { action: 'restart', delayMs: 16_000, crashesInRow: 5 }],
    [5, 100, 1, { action: 'give-up', crashesInRow: 6 }],
    // Stable for a minute: the count starts over, however many crashes came before.
    [5, 60_000, 1, { action: 'restart', delayMs: 1_000, crashesInRow: 1 }],
    [3, 3_600_000, null, { action: 'restart', delayMs: 1_000, crashesInRow: 1 }],
    // A configuration error is not a crash: nothing would change on a restart.
    [0, 200, EX_CONFIG, { action: 'stop-everything' }],
  ] as const)('after %i crashes in a row, up %i ms, exit code %s: %o', (crashesInRow, uptimeMs, exitCode, decision) => {
    expect(restartDecision(RESTART_POLICY, crashesInRow, uptimeMs, exitCode)).toEqual(decision);
  });

  it('caps the wait between restarts', () => {
    expect(restartDecision({ ...RESTART_POLICY, maxCrashesInRow: 20 }, 10, 0, 1)).toMatchObject({ action: 'restart', delayMs: 30_000 });
  });
});
