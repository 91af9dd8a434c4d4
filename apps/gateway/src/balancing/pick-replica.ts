import { createHash } from 'node:crypto';

/** A ready replica as the gateway sees it. */
export interface ReplicaLoad {
  id: string;
  /** Requests this gateway has in flight on it. */
  inflight: number;
  /** Skipped for a while after failing before its first byte (see failover). */
  ejected: boolean;
}

/** Rendezvous (highest random weight) score of a key on a replica: adding or removing a replica moves only its share of keys. */
export function rendezvousScore(key: string, replicaId: string): bigint {
  return createHash('sha256').update(key).update('\0').update(replicaId).digest().readBigUInt64BE(0);
}

/** How a replica was chosen: the key's own, a spill off it (at its target concurrency), or the least loaded (no key). */
export type Placement = 'preferred' | 'spilled' | 'least_loaded';

export interface Pick {
  id: string;
  placement: Placement;
}

/**
 * The replica a request goes to. With an affinity key: the replica the key hashes to (rendezvous hashing), so a
 * conversation returns to the prompt cache it built, unless that replica already has `targetConcurrency`
 * requests in flight: then it spills to the least loaded one (when that one is less loaded). Without a key: the
 * least loaded (ties: the first). Ejected replicas are skipped while any other is left. Undefined when there is
 * no replica at all.
 */
export function pickReplica(replicas: readonly ReplicaLoad[], key: string | undefined, targetConcurrency: number): Pick | undefined {
  const healthy = replicas.filter((r) => !r.ejected);
  const candidates = healthy.length > 0 ? healthy : replicas;
  if (candidates.length === 0) return undefined;
  const leastLoaded = candidates.reduce((best, r) => (r.inflight < best.inflight ? r : best));
  if (key === undefined) return { id: leastLoaded.id, placement: 'least_loaded' };
  let preferred = candidates[0]!;
  let bestScore = -1n;
  for (const replica of candidates) {
    const score = rendezvousScore(key, replica.id);
    if (score > bestScore) [preferred, bestScore] = [replica, score];
  }
  // Every replica as busy as the preferred one: moving would lose the cache and gain nothing.
  if (preferred.inflight < targetConcurrency || leastLoaded.inflight >= preferred.inflight) return { id: preferred.id, placement: 'preferred' };
  return { id: leastLoaded.id, placement: 'spilled' };
}
