import type { Redis } from './connection';

/** Hash: deployment id → JSON of what autoscaling saw on earlier passes (since when it was busy or quiet). */
const SCALING_KEY = 'gguf:scaling';

export interface ScalingMemory {
  busySince?: number;
  quietSince?: number;
}

/**
 * What the workers' cluster loop remembers between its passes for autoscaling. Kept in Redis,
 * not in one worker, since any worker may run the next pass; losing it only delays a decision.
 */
export async function readScalingMemory(redis: Redis, deploymentIds: readonly string[]): Promise<Map<string, ScalingMemory>> {
  const result = new Map<string, ScalingMemory>();
  if (deploymentIds.length === 0) return result;
  const values = await redis.hmget(SCALING_KEY, ...deploymentIds);
  deploymentIds.forEach((id, i) => {
    let memory: ScalingMemory = {};
    try {
      memory = values[i] ? (JSON.parse(values[i]!) as ScalingMemory) : {};
    } catch {
      // Unreadable: start over.
    }
    result.set(id, memory);
  });
  return result;
}

/** One round trip for the whole pass; an empty memory is dropped. */
export async function writeScalingMemory(redis: Redis, memories: ReadonlyMap<string, ScalingMemory>): Promise<void> {
  if (memories.size === 0) return;
  const batch = redis.pipeline();
  for (const [id, memory] of memories) {
    if (memory.busySince === undefined && memory.quietSince === undefined) batch.hdel(SCALING_KEY, id);
    else batch.hset(SCALING_KEY, id, JSON.stringify(memory));
  }
  await batch.exec();
}
