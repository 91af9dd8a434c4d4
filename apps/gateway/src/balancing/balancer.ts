import type { Upstream } from '../auth/directory';
import type { UpstreamEjections } from '../failover/upstream-ejections';
import type { Metrics } from '../metrics';
import type { AffinityKey } from './affinity-key';
import { pickReplica } from './pick-replica';

/** A deployment's ready servers, at least one (see auth/authorize.ts, which forwards nothing without one). */
export type ReadyUpstreams = readonly [Upstream, ...Upstream[]];

/** Requests this gateway has in flight on one server, and the deployment the server runs. */
export interface ServerLoad {
  deploymentId: string;
  inflight: number;
}

/**
 * Chooses the server each request goes to, from the requests this gateway has in flight on each (counted here,
 * in this process: no shared state on the hot path). See docs/gateway.md, "Balancing".
 */
export class Balancer {
  /** Requests in flight per server id; a server without any has no entry. */
  private readonly inflight = new Map<string, ServerLoad>();

  constructor(
    private readonly ejections: UpstreamEjections,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The server for a request: the one its affinity key hashes to, unless that one has `targetConcurrency`
   * requests in flight (then the least loaded); ejected servers are skipped while another is left.
   */
  pick(upstreams: ReadyUpstreams, targetConcurrency: number, affinity: AffinityKey | undefined, now = Date.now()): Upstream {
    if (upstreams.length === 1) {
      this.metrics.balancedRequests.inc({ affinity: affinity?.source ?? 'none', placement: 'only' });
      return upstreams[0];
    }
    const loads = upstreams.map((upstream) => ({
      id: upstream.serverId,
      inflight: this.inflightOn(upstream.serverId),
      ejected: this.ejections.isEjected(upstream.url, upstream.readyAt, now),
    }));
    const chosen = pickReplica(loads, affinity?.key, targetConcurrency);
    this.metrics.balancedRequests.inc({ affinity: affinity?.source ?? 'none', placement: chosen?.placement ?? 'only' });
    return upstreams.find((upstream) => upstream.serverId === chosen?.id) ?? upstreams[0];
  }

  /** Counts a request in flight on the server until the returned function is called (once; later calls do nothing). */
  enter(serverId: string, deploymentId: string): () => void {
    let load = this.inflight.get(serverId);
    if (!load) this.inflight.set(serverId, (load = { deploymentId, inflight: 0 }));
    load.inflight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const current = this.inflight.get(serverId);
      if (current && --current.inflight <= 0) this.inflight.delete(serverId);
    };
  }

  /** Requests this gateway has in flight on the server now. */
  inflightOn(serverId: string): number {
    return this.inflight.get(serverId)?.inflight ?? 0;
  }

  /** Every server with requests of this gateway in flight, by server id (what activity/ publishes). */
  loads(): ReadonlyMap<string, Readonly<ServerLoad>> {
    return this.inflight;
  }
}
