import type { ApiDeps } from '../deps';

export interface FreeGpuType {
  type: string;
  /** Unallocated GPUs of this type on schedulable nodes. */
  free: number;
  /** The most free GPUs of this type on any one node: a deployment's GPUs share one node. */
  maxOnOneNode: number;
  memoryMb: number;
}

/** What the platform can place right now: unallocated GPUs on ready, uncordoned nodes, by type. */
export async function listFreeGpuTypes(deps: ApiDeps): Promise<FreeGpuType[]> {
  const gpus = await deps.db.nodeGpu.findMany({
    where: { allocation: null, node: { status: 'ready', cordoned: false } },
    select: { nodeId: true, type: true, memoryMb: true },
  });
  const byType = new Map<string, { perNode: Map<string, number>; memoryMb: number }>();
  for (const gpu of gpus) {
    const entry = byType.get(gpu.type) ?? { perNode: new Map(), memoryMb: gpu.memoryMb };
    entry.perNode.set(gpu.nodeId, (entry.perNode.get(gpu.nodeId) ?? 0) + 1);
    entry.memoryMb = Math.min(entry.memoryMb, gpu.memoryMb);
    byType.set(gpu.type, entry);
  }
  return [...byType].map(([type, { perNode, memoryMb }]) => ({
    type,
    free: [...perNode.values()].reduce((a, b) => a + b, 0),
    maxOnOneNode: Math.max(...perNode.values()),
    memoryMb,
  }));
}
