import { describe, expect, it } from 'vitest';
import { decideScale, type ScaleFacts, type ScaleMemory } from './scale-decision';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const ago = (s: number) => NOW - s * 1000;
const facts = (over: Partial<ScaleFacts> = {}): ScaleFacts => ({
  replicasMin: 1,
  replicasMax: 3,
  replicasWanted: 1,
  ready: 1,
  live: 1,
  targetConcurrency: 4,
  scaleDownAfterS: 300,
  ...over,
});

// Each row: the deployment, requests in flight, what earlier passes saw, the change and what is remembered.
const TABLE: [name: string, f: Partial<ScaleFacts>, inflight: number, memory: ScaleMemory, change: 1 | -1 | 0, next: ScaleMemory][] = [
  ['first time above target: remembered', {}, 5, {}, 0, { busySince: NOW }],
  ['above target for 10 s: not yet', {}, 5, { busySince: ago(10) }, 0, { busySince: ago(10) }],
  ['above target for 15 s: one more', {}, 5, { busySince: ago(15) }, 1, {}],
  ['exactly at target is not above it', {}, 4, { busySince: ago(60) }, 0, {}],
  ['busy, but already at max', { replicasWanted: 3, ready: 3, live: 3 }, 15, { busySince: ago(60) }, 0, { busySince: ago(60) }],
  ['busy, but the last one asked for is not ready yet', { replicasWanted: 2, ready: 1, live: 2 }, 9, { busySince: ago(60) }, 0, { busySince: ago(60) }],
  ['averaged over ready servers: 9 over 2 is above 4', { replicasWanted: 2, ready: 2, live: 2 }, 9, { busySince: ago(20) }, 1, {}],
  ['a dip resets the count', {}, 3, { busySince: ago(60) }, 0, {}],
  ['quiet: remembered', { replicasWanted: 2, ready: 2, live: 2 }, 1, {}, 0, { quietSince: NOW }],
  ['quiet for scale_down_after_s: one fewer', { replicasWanted: 2, ready: 2, live: 2 }, 1, { quietSince: ago(300) }, -1, {}],
  ['quiet, but at the floor', {}, 0, { quietSince: ago(3600) }, 0, { quietSince: ago(3600) }],
  ['quiet, min 2 is the floor', { replicasMin: 2, replicasWanted: 2, ready: 2, live: 2 }, 0, { quietSince: ago(3600) }, 0, { quietSince: ago(3600) }],
  ['min 0 still keeps one: sleeping is not scaling', { replicasMin: 0 }, 0, { quietSince: ago(3600) }, 0, { quietSince: ago(3600) }],
  ['between half and target: neither', { replicasWanted: 2, ready: 2, live: 2 }, 5, { quietSince: ago(3600), busySince: ago(60) }, 0, {}],
  ['asleep: nothing, nothing remembered', { replicasWanted: 0, ready: 0, live: 0 }, 3, { busySince: ago(60) }, 0, {}],
  ['no ready server: nothing to average over', { ready: 0 }, 9, { busySince: ago(60) }, 0, {}],
];

describe('decideScale', () => {
  it.each(TABLE)('%s', (_name, f, inflight, memory, change, next) => {
    const decision = decideScale(facts(f), inflight, memory, NOW);
    expect(decision.change).toBe(change);
    expect(decision.memory).toEqual(next);
  });

  it('reports the figures behind a change', () => {
    expect(decideScale(facts(), 10, { busySince: ago(16) }, NOW).figures).toEqual({ inflight: 10, ready: 1, perServer: 10, target: 4, forS: 16 });
  });
});
