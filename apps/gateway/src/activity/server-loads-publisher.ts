import type { ServerActivitySample } from '@gguf/redis';
import type { ServerLoad } from '../balancing/balancer';

/** Where per-server counts come from: the balancer, which counts each try on its server. */
export interface ServerLoads {
  loads(): ReadonlyMap<string, Readonly<ServerLoad>>;
}

interface Published extends ServerLoad {
  /** When its count was last written: an unchanged one is written again before its Redis entry expires. */
  writtenAt: number;
}

/**
 * Which per-server counts a flush must write: the live counts are compared with what Redis holds from this
 * instance, so nothing but the changes goes out, a server whose count fell to 0 is written once as 0 (its entry
 * cleared), and a write that failed is simply found different again at the next flush.
 */
export class ServerLoadsPublisher {
  private readonly published = new Map<string, Published>();

  constructor(
    private readonly source: ServerLoads,
    private readonly refreshMs: number,
  ) {}

  /** What differs from the last written counts (or is about to expire) at `now`. */
  changes(now: number): ServerActivitySample[] {
    const loads = this.source.loads();
    const changes: ServerActivitySample[] = [];
    for (const [serverId, { deploymentId, inflight }] of loads) {
      const last = this.published.get(serverId);
      if (last?.inflight === inflight && now - last.writtenAt < this.refreshMs) continue;
      changes.push({ deploymentId, serverId, inflight });
    }
    for (const [serverId, { deploymentId }] of this.published) if (!loads.has(serverId)) changes.push({ deploymentId, serverId, inflight: 0 });
    return changes;
  }

  /** `changes` reached Redis, written at `at`. */
  written(changes: readonly ServerActivitySample[], at: number): void {
    for (const { deploymentId, serverId, inflight } of changes) {
      if (inflight > 0) this.published.set(serverId, { deploymentId, inflight, writtenAt: at });
      else this.published.delete(serverId);
    }
  }
}
