/** How long the load must stay above target before one more server is asked for (issue 11: 15 s). */
export const SCALE_UP_AFTER_MS = 15_000;

/** A deployment's row and servers, as far as autoscaling needs them. */
export interface ScaleFacts {
  replicasMin: number;
  replicasMax: number;
  /** What the cluster side aims at now; 0 while asleep. */
  replicasWanted: number;
  /** Servers ready to serve, and servers not on their way out. */
  ready: number;
  live: number;
  /** In-flight requests per ready server that count as busy (the column, or `parallel`). */
  targetConcurrency: number;
  scaleDownAfterS: number;
}

/** Since when the load has been above target (busy) or below half of it (quiet), as seen by earlier passes. */
export interface ScaleMemory {
  busySince?: number;
  quietSince?: number;
}

export interface ScaleDecision {
  /** +1 or −1 server, or none. */
  change: 1 | -1 | 0;
  /** What the next pass remembers. */
  memory: ScaleMemory;
  /** The figures behind it, recorded on the deployment's event. */
  figures: { inflight: number; ready: number; perServer: number; target: number; forS: number };
}

/**
 * Whether a deployment gets one server more or one fewer now, from the gateways' in-flight count:
 * up by one when the average per ready server has stayed above `targetConcurrency` for
 * SCALE_UP_AFTER_MS, down by one when it has stayed below half of it for `scale_down_after_s`;
 * always within max(min, 1)..max. It does not scale up while a server it already asked for is not
 * ready yet, so a slow start (or no free capacity) cannot make it ask for more and more. Sleeping
 * (scale to zero) is sleep-decision.ts's.
 */
export function decideScale(facts: ScaleFacts, inflight: number, memory: ScaleMemory, now: number): ScaleDecision {
  const perServer = facts.ready > 0 ? inflight / facts.ready : 0;
  const figures = (since?: number) => ({ inflight, ready: facts.ready, perServer: Math.round(perServer * 100) / 100, target: facts.targetConcurrency, forS: since === undefined ? 0 : Math.floor((now - since) / 1000) });
  if (facts.replicasWanted === 0 || facts.ready === 0) return { change: 0, memory: {}, figures: figures() };
  const busy = perServer > facts.targetConcurrency;
  const quiet = perServer < facts.targetConcurrency / 2;
  const next: ScaleMemory = {
    ...(busy ? { busySince: memory.busySince ?? now } : {}),
    ...(quiet ? { quietSince: memory.quietSince ?? now } : {}),
  };
  const settled = facts.ready === facts.replicasWanted && facts.live === facts.replicasWanted;
  if (busy && settled && facts.replicasWanted < facts.replicasMax && now - next.busySince! >= SCALE_UP_AFTER_MS) {
    return { change: 1, memory: {}, figures: figures(next.busySince) };
  }
  if (quiet && facts.replicasWanted > Math.max(facts.replicasMin, 1) && now - next.quietSince! >= facts.scaleDownAfterS * 1000) {
    return { change: -1, memory: {}, figures: figures(next.quietSince) };
  }
  return { change: 0, memory: next, figures: figures(busy ? next.busySince : next.quietSince) };
}
