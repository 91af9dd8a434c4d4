import { describe, expect, it } from 'vitest';
import type { ServerLoad } from '../balancing/balancer';
import { ServerLoadsPublisher } from './server-loads-publisher';

/** Live counts the test sets by hand, as the balancer would hold them. */
function source() {
  const loads = new Map<string, ServerLoad>();
  return { loads: () => loads, set: (serverId: string, inflight: number) => (inflight > 0 ? loads.set(serverId, { deploymentId: 'dep_1', inflight }) : loads.delete(serverId)) };
}

describe('which per-server counts a flush writes', () => {
  it('new and changed counts, a 0 once for a server that left, unchanged ones again only when about to expire', () => {
    const live = source();
    const publisher = new ServerLoadsPublisher(live, 5_000);
    live.set('srv_a', 2);
    live.set('srv_b', 1);
    const first = publisher.changes(0);
    expect(first).toEqual([
      { deploymentId: 'dep_1', serverId: 'srv_a', inflight: 2 },
      { deploymentId: 'dep_1', serverId: 'srv_b', inflight: 1 },
    ]);
    publisher.written(first, 0);
    expect(publisher.changes(1_000)).toEqual([]);

    live.set('srv_a', 3);
    live.set('srv_b', 0);
    const second = publisher.changes(2_000);
    expect(second).toEqual([
      { deploymentId: 'dep_1', serverId: 'srv_a', inflight: 3 },
      { deploymentId: 'dep_1', serverId: 'srv_b', inflight: 0 },
    ]);
    publisher.written(second, 2_000);
    expect(publisher.changes(6_999)).toEqual([]);
    expect(publisher.changes(7_000)).toEqual([{ deploymentId: 'dep_1', serverId: 'srv_a', inflight: 3 }]);
  });

  it('sends what a failed write held again at the next flush, with the newest counts', () => {
    const live = source();
    const publisher = new ServerLoadsPublisher(live, 5_000);
    live.set('srv_a', 1);
    publisher.written(publisher.changes(0), 0);
    live.set('srv_a', 0);
    live.set('srv_b', 1);
    publisher.changes(1_000); // never written: Redis was down
    live.set('srv_b', 2);
    expect(publisher.changes(2_000)).toEqual([
      { deploymentId: 'dep_1', serverId: 'srv_b', inflight: 2 },
      { deploymentId: 'dep_1', serverId: 'srv_a', inflight: 0 },
    ]);
  });
});
