import { describe, expect, it } from 'vitest';
import { pickReplica as pick, type ReplicaLoad } from './pick-replica';

const replicas = (...inflight: number[]): ReplicaLoad[] => inflight.map((n, i) => ({ id: `srv_${i}`, inflight: n, ejected: false }));
/** The chosen replica's id. */
const pickReplica = (...args: Parameters<typeof pick>) => pick(...args)?.id;
const keys = Array.from({ length: 3000 }, (_, i) => `prompt:${i}`);

describe('pickReplica', () => {
  it('sends a key to the same replica every time', () => {
    const set = replicas(0, 0, 0);
    for (const key of keys.slice(0, 50)) expect(pickReplica(set, key, 4)).toBe(pickReplica(set, key, 4));
  });

  it('spreads fresh keys across replicas', () => {
    const set = replicas(0, 0, 0);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const id = pickReplica(set, key, 4)!;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['srv_0', 'srv_1', 'srv_2']);
    for (const count of counts.values()) expect(count).toBeGreaterThan(keys.length / 4);
  });

  it('moves only the new replica’s share when one is added, and only the removed one’s when one goes', () => {
    const three = replicas(0, 0, 0);
    const four = replicas(0, 0, 0, 0);
    for (const key of keys) {
      const before = pickReplica(three, key, 4);
      const after = pickReplica(four, key, 4);
      if (after !== 'srv_3') expect(after).toBe(before);
    }
    const two = three.filter((r) => r.id !== 'srv_1');
    for (const key of keys) {
      const before = pickReplica(three, key, 4);
      if (before !== 'srv_1') expect(pickReplica(two, key, 4)).toBe(before);
    }
  });

  it('spills to the least loaded replica when the preferred one is at its target concurrency', () => {
    const idle = replicas(0, 0, 0);
    const key = keys[7]!;
    const preferred = pickReplica(idle, key, 2)!;
    const busy = idle.map((r) => (r.id === preferred ? { ...r, inflight: 2 } : r.id === 'srv_0' && preferred !== 'srv_0' ? { ...r, inflight: 1 } : r));
    const spilled = pickReplica(busy, key, 2)!;
    expect(spilled).not.toBe(preferred);
    expect(busy.find((r) => r.id === spilled)!.inflight).toBe(Math.min(...busy.filter((r) => r.id !== preferred).map((r) => r.inflight)));
    expect(pick(busy, key, 2)!.placement).toBe('spilled');
    // Below the target it stays.
    expect(pick(idle.map((r) => (r.id === preferred ? { ...r, inflight: 1 } : r)), key, 2)).toEqual({ id: preferred, placement: 'preferred' });
    // Every replica as busy: it stays where its cache is.
    expect(pick(replicas(2, 2, 2), key, 2)).toEqual({ id: preferred, placement: 'preferred' });
  });

  it('takes the least loaded without a key', () => {
    expect(pickReplica(replicas(3, 1, 2), undefined, 4)).toBe('srv_1');
    expect(pickReplica(replicas(1, 1), undefined, 4)).toBe('srv_0');
    expect(pick(replicas(1, 1), undefined, 4)!.placement).toBe('least_loaded');
  });

  it('skips ejected replicas while any other is left, and has nothing to give without replicas', () => {
    const set = replicas(0, 0).map((r) => (r.id === 'srv_0' ? { ...r, ejected: true } : r));
    for (const key of keys.slice(0, 20)) expect(pickReplica(set, key, 4)).toBe('srv_1');
    expect(pickReplica(set.map((r) => ({ ...r, ejected: true })), 'k', 4)).toBeDefined();
    expect(pickReplica([], 'k', 4)).toBeUndefined();
  });
});
