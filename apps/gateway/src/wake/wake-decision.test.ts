import { describe, expect, it } from 'vitest';
import { wakeDecision } from './wake-decision';

const deployment = (status: string, replicasMin = 0, desiredState = 'running', upstreamUrl: string | null = status === 'running' ? 'http://127.0.0.1:1' : null) => ({ status, replicasMin, desiredState, upstreamUrl });

describe('wakeDecision', () => {
  it.each([
    // status, replicas.min, desired, new request, already held
    ['running', 1, 'running', 'forward', 'forward'],
    ['running', 0, 'running', 'forward', 'forward'],
    ['sleeping', 0, 'running', 'hold', 'hold'],
    ['sleeping', 0, 'stopped', 'hold', 'refuse'],
    ['pending', 0, 'running', 'hold', 'hold'],
    ['scheduling', 0, 'running', 'hold', 'hold'],
    ['pulling', 0, 'running', 'hold', 'hold'],
    ['starting', 0, 'running', 'hold', 'hold'],
    // Not scale-to-zero: on its way up is refused at once, as before; a held request waits on.
    ['pending', 1, 'running', 'refuse', 'hold'],
    ['starting', 1, 'running', 'refuse', 'hold'],
    // The owner stopped it: no wait.
    ['pending', 0, 'stopped', 'refuse', 'refuse'],
    ['starting', 0, 'deleted', 'refuse', 'refuse'],
    ['stopping', 0, 'stopped', 'refuse', 'refuse'],
    ['stopped', 0, 'stopped', 'refuse', 'refuse'],
    ['failed', 0, 'running', 'refuse', 'refuse'],
    ['deleting', 0, 'deleted', 'refuse', 'refuse'],
  ] as const)('%s with replicas.min %i, desired %s: new %s, held %s', (status, min, desired, fresh, held) => {
    expect(wakeDecision(deployment(status, min, desired), false)).toBe(fresh);
    expect(wakeDecision(deployment(status, min, desired), true)).toBe(held);
  });

  it('refuses a new request to a running deployment without an upstream; a held one waits for the address', () => {
    expect(wakeDecision(deployment('running', 0, 'running', null), false)).toBe('refuse');
    expect(wakeDecision(deployment('running', 0, 'running', null), true)).toBe('hold');
  });
});
