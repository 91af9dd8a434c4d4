import { describe, expect, it } from 'vitest';
import { decideSleep, type Idle, type SleepFacts } from './sleep-decision';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const minutesAgo = (m: number) => NOW - m * 60_000;
const row = (over: Partial<SleepFacts> = {}): SleepFacts => ({
  status: 'running',
  desiredState: 'running',
  replicasMin: 0,
  scaleDownAfterS: 900,
  readyAt: new Date(minutesAgo(60)),
  ...over,
});

// Each row: the deployment, what the gateways report, whether it goes to sleep.
const TABLE: [name: string, facts: Partial<SleepFacts>, inflight: number, lastRequestAt: number | undefined, expected: Idle | undefined][] = [
  ['idle past scale_down_after_s', {}, 0, minutesAgo(16), { idleSeconds: 960 }],
  ['idle exactly scale_down_after_s', {}, 0, minutesAgo(15), { idleSeconds: 900 }],
  ['a request a minute ago', {}, 0, minutesAgo(1), undefined],
  ['a long request still in flight', {}, 1, minutesAgo(30), undefined],
  ['never called since it became ready long ago', {}, 0, undefined, { idleSeconds: 3600 }],
  ['just woken: idle counts from ready, not from the last request', { readyAt: new Date(minutesAgo(2)) }, 0, minutesAgo(40), undefined],
  ['ready so recently it has no ready time yet', { readyAt: null }, 0, undefined, undefined],
  ['replicas.min 1 never sleeps', { replicasMin: 1 }, 0, minutesAgo(600), undefined],
  ['not running', { status: 'starting' }, 0, minutesAgo(600), undefined],
  ['already asleep', { status: 'sleeping' }, 0, minutesAgo(600), undefined],
  ['to be stopped', { desiredState: 'stopped' }, 0, minutesAgo(600), undefined],
  ['a short scale_down_after_s', { scaleDownAfterS: 60 }, 0, minutesAgo(1.5), { idleSeconds: 90 }],
];

describe('decideSleep', () => {
  it.each(TABLE)('%s', (_name, facts, inflight, lastRequestAt, expected) => {
    expect(decideSleep(row(facts), { inflight, lastRequestAt }, NOW)).toEqual(expected);
  });
});
