import { newId } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Redis } from '@gguf/redis';
import type { NodeSettings } from '../context';

export interface RegisteredNode {
  id: string;
  name: string;
  address: string;
  /** GPUs that disappeared from the inventory but are still booked (kept until released). */
  keptGpus: number[];
}

/**
 * Registers this worker's node, or updates it when a node of that name exists (a restarted
 * worker keeps its node id, so its servers and bookings stay its own). Admin-owned fields
 * (cordoned, draining) are left alone. The GPU inventory is replaced by the current one, except
 * GPUs still booked by a deployment, which are kept until released.
 */
export async function registerNode(db: Database, settings: NodeSettings): Promise<RegisteredNode> {
  const fields = {
    runtimeKind: settings.runtimeKind,
    dockerEndpoint: settings.runtimeKind === 'docker' ? (settings.dockerEndpoint ?? null) : null,
    address: settings.address,
    networkMode: settings.networkMode,
    portRangeStart: settings.portRange[0],
    portRangeEnd: settings.portRange[1],
    cpuSlots: settings.cpuSlots,
    cpuCores: settings.cpuCores,
    status: 'ready' as const,
  };
  return db.$transaction(async (tx) => {
    const node = await tx.node.upsert({
      where: { name: settings.name },
      create: { id: newId('node'), name: settings.name, ...fields },
      update: fields,
    });
    await tx.$executeRaw`UPDATE nodes SET heartbeat_at = now() WHERE id = ${node.id}`;
    for (const gpu of settings.gpus) {
      await tx.nodeGpu.upsert({
        where: { nodeId_index: { nodeId: node.id, index: gpu.index } },
        create: { nodeId: node.id, index: gpu.index, type: gpu.type, memoryMb: gpu.memoryMb, uuid: gpu.uuid ?? null },
        update: { type: gpu.type, memoryMb: gpu.memoryMb, uuid: gpu.uuid ?? null },
      });
    }
    const declared = settings.gpus.map((g) => g.index);
    const gone = await tx.nodeGpu.findMany({ where: { nodeId: node.id, index: { notIn: declared } }, include: { allocation: true } });
    const keptGpus = gone.filter((g) => g.allocation !== null).map((g) => g.index);
    await tx.nodeGpu.deleteMany({ where: { nodeId: node.id, index: { in: gone.filter((g) => g.allocation === null).map((g) => g.index) } } });
    return { id: node.id, name: node.name, address: node.address, keptGpus };
  });
}

/** Stamps the heartbeat with the database's clock (the scheduler compares with the same clock). */
export async function heartbeat(db: Database, nodeId: string): Promise<void> {
  await db.$executeRaw`UPDATE nodes SET heartbeat_at = now(), status = 'ready' WHERE id = ${nodeId}`;
}

const leaseKey = (nodeId: string) => `gguf:node-lease:${nodeId}`;

/**
 * One worker per node: a node's processes and containers must have exactly one owner, or two
 * workers would each restart the same crashed server. The lease is a Redis key with a TTL,
 * renewed with every heartbeat; a worker that dies loses it after `ttlMs`.
 */
export class NodeLease {
  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const result = await this.redis.set(leaseKey(this.nodeId), this.owner, 'PX', this.ttlMs, 'NX');
    if (result === 'OK') return true;
    return this.renew();
  }

  /** Extends the lease if this worker still holds it. */
  async renew(): Promise<boolean> {
    const renewed = await this.redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
      1,
      leaseKey(this.nodeId),
      this.owner,
      String(this.ttlMs),
    );
    return renewed === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, leaseKey(this.nodeId), this.owner);
  }

  /** Who holds it now, for messages. */
  holder(): Promise<string | null> {
    return this.redis.get(leaseKey(this.nodeId));
  }
}
