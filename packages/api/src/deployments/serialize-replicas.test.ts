import { describe, expect, it } from 'vitest';
import type { ReplicaServerRow, Replicas } from './load-replicas';
import { serializeAdminReplicaServers, serializeReplicaServers } from './serialize-replicas';

const server = (id: string, status: ReplicaServerRow['status']): ReplicaServerRow => ({
  id,
  deploymentId: 'dep_1',
  status,
  restartCount: 1,
  readyAt: status === 'ready' ? new Date('2026-11-30T10:00:00Z') : null,
  node: { id: `node_${id}`, name: `gpu-${id}` },
});
const servers = [server('srv_a', 'ready'), server('srv_b', 'ready'), server('srv_c', 'starting')];

describe("a replica list's in-flight counts", () => {
  it("are each server's own, 0 for one without any, whatever its status or the number of servers ready", () => {
    const replicas: Replicas = { servers, inflight: 9, serverInflight: new Map([['srv_a', 5], ['srv_b', 2], ['srv_elsewhere', 7]]) };
    expect(serializeReplicaServers(replicas).map((s) => [s.id, s.inflight])).toEqual([
      ['srv_a', 5],
      ['srv_b', 2],
      ['srv_c', 0],
    ]);
    expect(serializeAdminReplicaServers(replicas)[0]).toEqual({ id: 'srv_a', node: { id: 'node_srv_a', name: 'gpu-srv_a' }, status: 'ready', inflight: 5, restarts: 1, ready_at: '2026-11-30T10:00:00.000Z' });
  });

  it('are null, every one, when Redis could not be read', () => {
    const replicas: Replicas = { servers, inflight: null, serverInflight: null };
    expect(serializeReplicaServers(replicas).map((s) => s.inflight)).toEqual([null, null, null]);
  });
});
