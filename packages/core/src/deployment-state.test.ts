import { describe, expect, it } from 'vitest';
import {
  DEPLOYMENT_STATUSES,
  type DeploymentStatus,
  canTransition,
  isDeploymentStatus,
  isSettled,
  nextStatuses,
  transition,
} from './deployment-state';
import { IllegalTransitionError } from './transition-table';

// The whole table, written out again independently: each legal edge once.
const LEGAL: ReadonlyArray<[DeploymentStatus, DeploymentStatus]> = [
  ['pending', 'scheduling'],
  ['pending', 'pulling'],
  ['pending', 'starting'],
  ['pending', 'running'],
  ['pending', 'stopping'],
  ['pending', 'sleeping'],
  ['pending', 'failed'],
  ['pending', 'deleting'],
  ['scheduling', 'pending'],
  ['scheduling', 'pulling'],
  ['scheduling', 'starting'],
  ['scheduling', 'running'],
  ['scheduling', 'stopping'],
  ['scheduling', 'sleeping'],
  ['scheduling', 'failed'],
  ['scheduling', 'deleting'],
  ['pulling', 'pending'],
  ['pulling', 'scheduling'],
  ['pulling', 'starting'],
  ['pulling', 'running'],
  ['pulling', 'stopping'],
  ['pulling', 'sleeping'],
  ['pulling', 'failed'],
  ['pulling', 'deleting'],
  ['starting', 'pending'],
  ['starting', 'scheduling'],
  ['starting', 'pulling'],
  ['starting', 'running'],
  ['starting', 'stopping'],
  ['starting', 'sleeping'],
  ['starting', 'failed'],
  ['starting', 'deleting'],
  ['running', 'pending'],
  ['running', 'scheduling'],
  ['running', 'pulling'],
  ['running', 'starting'],
  ['running', 'stopping'],
  ['running', 'sleeping'],
  ['running', 'failed'],
  ['running', 'deleting'],
  ['pending', 'stopped'],
  ['stopping', 'pending'],
  ['stopping', 'scheduling'],
  ['stopping', 'pulling'],
  ['stopping', 'starting'],
  ['stopping', 'running'],
  ['stopping', 'stopped'],
  ['stopping', 'failed'],
  ['stopping', 'deleting'],
  ['stopped', 'pending'],
  ['stopped', 'deleting'],
  ['sleeping', 'pending'],
  ['sleeping', 'scheduling'],
  ['sleeping', 'pulling'],
  ['sleeping', 'starting'],
  ['sleeping', 'running'],
  ['sleeping', 'stopping'],
  ['sleeping', 'stopped'],
  ['sleeping', 'deleting'],
  ['failed', 'pending'],
  ['failed', 'stopping'],
  ['failed', 'stopped'],
  ['failed', 'deleting'],
  ['deleting', 'deleted'],
];

const key = (from: string, to: string) => `${from}→${to}`;
const legal = new Set(LEGAL.map(([from, to]) => key(from, to)));
const allPairs = DEPLOYMENT_STATUSES.flatMap((from) => DEPLOYMENT_STATUSES.map((to) => [from, to] as const));

describe('deployment state machine', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(transition(from, to)).toBe(to);
  });

  it.each(allPairs.filter(([from, to]) => !legal.has(key(from, to))))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => transition(from, to)).toThrow(IllegalTransitionError);
    expect(() => transition(from, to)).toThrow(`a deployment cannot go from ${from} to ${to}`);
  });

  it('walks the happy path from pending to stopped', () => {
    const path: DeploymentStatus[] = ['pending', 'scheduling', 'pulling', 'starting', 'running', 'stopping', 'stopped'];
    path.reduce((from, to) => transition(from, to));
  });

  it('goes to sleep from a live status, and wakes through pending', () => {
    expect(DEPLOYMENT_STATUSES.filter((s) => canTransition(s, 'sleeping'))).toEqual(['pending', 'scheduling', 'pulling', 'starting', 'running']);
    ['pending', 'scheduling', 'starting', 'running'].reduce((from, to) => transition(from as DeploymentStatus, to as DeploymentStatus), 'sleeping');
  });

  it('lets every status with something to run fail, and every status but deleted be deleted', () => {
    for (const status of DEPLOYMENT_STATUSES) {
      expect(canTransition(status, 'failed')).toBe(!['failed', 'deleting', 'deleted', 'stopped', 'sleeping'].includes(status));
      expect(canTransition(status, 'deleting')).toBe(!['deleting', 'deleted'].includes(status));
    }
  });

  it('never allows a self-transition', () => {
    for (const status of DEPLOYMENT_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('makes deleted terminal and reachable only through deleting', () => {
    expect(nextStatuses('deleted')).toEqual([]);
    expect(DEPLOYMENT_STATUSES.filter((s) => canTransition(s, 'deleted'))).toEqual(['deleting']);
  });

  it('reaches running from every status but the deletion ones', () => {
    const reachable = (from: DeploymentStatus) => {
      const seen = new Set<DeploymentStatus>([from]);
      const queue = [from];
      while (queue.length) {
        for (const next of nextStatuses(queue.shift()!)) {
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      return seen;
    };
    for (const status of DEPLOYMENT_STATUSES)
      expect(reachable(status).has('running')).toBe(status !== 'deleting' && status !== 'deleted');
  });

  it('carries both ends on the error', () => {
    const error = (() => {
      try {
        transition('stopped', 'running');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from: 'stopped', to: 'running' });
  });

  it('recognises statuses', () => {
    expect(isDeploymentStatus('running')).toBe(true);
    expect(isDeploymentStatus('RUNNING')).toBe(false);
    expect(isDeploymentStatus(undefined)).toBe(false);
  });

  it('classifies settled statuses', () => {
    expect(DEPLOYMENT_STATUSES.filter(isSettled)).toEqual(['running', 'stopped', 'sleeping', 'failed', 'deleted']);
  });
});
