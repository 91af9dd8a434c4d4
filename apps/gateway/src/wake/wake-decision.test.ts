import { describe, expect, it } from 'vitest';
import { wakeDecision } from './wake-decision';

const UPSTREAM = { serverId: 'srv_1', url: 'http://127.0.0.1:1', readyAt: 1_000 };
const deployment = (status: string, replicasMin = 0, desiredState = 'running', servedBefore = false, upstreams = status === 'running' ? [UPSTREAM] : []) => ({
  status,
  replicasMin,
  desiredState,
  servedBefore,
  upstreams,
});

describe('wakeDecision', () => {
  it.each([
    // status, replicas.min, desired, served before (a server was ready once), new request, already held
    ['running', 1, 'running', true, 'forward', 'forward'],
    ['running', 0, 'running', true, 'forward', 'forward'],
    ['sleeping', 0, 'running', true, 'hold', 'hold'],
    ['sleeping', 0, 'stopped', true, 'hold', 'refuse'],
    ['pending', 0, 'running', true, 'hold', 'hold'],
    ['scheduling', 0, 'running', true, 'hold', 'hold'],
    ['pulling', 0, 'running', true, 'hold', 'hold'],
    ['starting', 0, 'running', true, 'hold', 'hold'],
    // Scale to zero that never served (a wake right after creation) is held all the same.
    ['pending', 0, 'running', false, 'hold', 'hold'],
    // Served before and coming back (a restart after a crash, a move to another port): held like a wake.
    ['starting', 1, 'running', true, 'hold', 'hold'],
    ['pending', 1, 'running', true, 'hold', 'hold'],
    ['scheduling', 1, 'running', true, 'hold', 'hold'],
    ['pulling', 1, 'running', true, 'hold', 'hold'],
    // Never served (a new deployment still pulling its model): refused at once; a held request waits on.
    ['pending', 1, 'running', false, 'refuse', 'hold'],
    ['pulling', 1, 'running', false, 'refuse', 'hold'],
    ['starting', 1, 'running', false, 'refuse', 'hold'],
    // The owner stopped it: no wait, whatever it did before.
    ['pending', 0, 'stopped', true, 'refuse', 'refuse'],
    ['starting', 1, 'stopped', true, 'refuse', 'refuse'],
    ['starting', 0, 'deleted', false, 'refuse', 'refuse'],
    ['stopping', 0, 'stopped', true, 'refuse', 'refuse'],
    ['stopped', 1, 'stopped', true, 'refuse', 'refuse'],
    ['failed', 1, 'running', true, 'refuse', 'refuse'],
    ['failed', 0, 'running', false, 'refuse', 'refuse'],
    ['deleting', 0, 'deleted', true, 'refuse', 'refuse'],
  ] as const)('%s with replicas.min %i, desired %s, served before %s: new %s, held %s', (status, min, desired, served, fresh, held) => {
    const record = deployment(status, min, desired, served);
    expect(wakeDecision(record, false)).toBe(fresh);
    expect(wakeDecision(record, true)).toBe(held);
  });

  it('refuses a new request to a running deployment without a ready server; a held one waits for the address', () => {
    expect(wakeDecision(deployment('running', 0, 'running', true, []), false)).toBe('refuse');
    expect(wakeDecision(deployment('running', 0, 'running', true, []), true)).toBe('hold');
  });

  it('holds every request to a running deployment whose every ready server is ejected, until one is usable again', () => {
    expect(wakeDecision(deployment('running', 1, 'running', true), false, true)).toBe('hold');
    expect(wakeDecision(deployment('running', 1, 'running', true), true, true)).toBe('hold');
    expect(wakeDecision(deployment('running', 1, 'running', false), false, true)).toBe('hold');
    // Ejection says nothing about a deployment that is not running.
    expect(wakeDecision(deployment('stopped', 1, 'stopped', true), true, true)).toBe('refuse');
  });
});
