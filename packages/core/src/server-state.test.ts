import { describe, expect, it } from 'vitest';
import { canServerTransition, SERVER_STATUSES, type ServerStatus, serverTransition } from './server-state';
import { IllegalTransitionError } from './transition-table';

// The whole table, written out again independently: each legal edge once.
const LEGAL: ReadonlyArray<[ServerStatus, ServerStatus]> = [
  ['placed', 'pulling'],
  ['placed', 'starting'],
  ['placed', 'stopping'],
  ['pulling', 'starting'],
  ['pulling', 'stopping'],
  ['starting', 'ready'],
  ['starting', 'stopping'],
  ['ready', 'starting'],
  ['ready', 'stopping'],
];
const legal = new Set(LEGAL.map(([from, to]) => `${from}→${to}`));
const pairs = SERVER_STATUSES.flatMap((from) => SERVER_STATUSES.map((to) => [from, to] as const));

describe('server state machine', () => {
  it.each(LEGAL)('allows %s → %s', (from, to) => {
    expect(serverTransition(from, to)).toBe(to);
  });

  it.each(pairs.filter(([from, to]) => !legal.has(`${from}→${to}`)))('refuses %s → %s', (from, to) => {
    expect(canServerTransition(from, to)).toBe(false);
    expect(() => serverTransition(from, to)).toThrow(IllegalTransitionError);
  });

  it('reaches stopping from every status but stopping itself, and nothing after it', () => {
    for (const status of SERVER_STATUSES) expect(canServerTransition(status, 'stopping')).toBe(status !== 'stopping');
    expect(SERVER_STATUSES.filter((to) => canServerTransition('stopping', to))).toEqual([]);
  });
});
