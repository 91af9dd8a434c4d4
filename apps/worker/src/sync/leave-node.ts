import type { Deployment } from '@gguf/db';
import { enqueueDeploymentSync } from '@gguf/redis';
import type { ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { type ReleaseInput, releasePlacement } from '../deployments/release-placement';
import { step } from '../deployments/apply-transition';
import { AGAIN, DONE, type Outcome } from './outcome';

/** Stops (gracefully) and removes servers, shipping the last of their output first. */
export async function removeServers(ctx: WorkerContext, servers: ServerInfo[]): Promise<void> {
  for (const server of servers) {
    if (server.state === 'running') await ctx.runtime.stop(server.handle, ctx.timing.stopTimeoutMs);
    await ctx.logs.drain(server, 2_000);
    await ctx.runtime.remove(server.handle);
  }
}

export interface LeaveInput extends Omit<ReleaseInput, 'deploymentId' | 'from' | 'nodeId'> {
  /** What becomes of the deployment's captured output: kept for its page (`stop`) or dropped with it (`forget`). */
  logs?: 'stop' | 'forget';
  /** Remove its server directories from the node too. */
  purge?: boolean;
  /** Hand it back to the cluster side to be placed again, saying why. */
  requeue?: string;
}

/**
 * The node side's one "leave the node" sequence: servers removed, output shipped, files purged,
 * then the placement released (status change, GPUs, port) and capacity offered to others.
 */
export async function leaveNode(ctx: WorkerContext, row: Deployment, servers: ServerInfo[], input: LeaveInput): Promise<Outcome> {
  const { logs, purge, requeue, ...release } = input;
  await removeServers(ctx, servers);
  if (logs === 'forget') await ctx.logs.forget(row.id);
  else if (logs === 'stop') await ctx.logs.stopDeployment(row.id);
  if (purge) await ctx.runtime.purge(row.id);
  if (!(await releasePlacement(ctx, { deploymentId: row.id, from: row.status, nodeId: ctx.node.id, ...release }))) return AGAIN;
  if (requeue) await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: row.id, generation: row.generation, desiredState: 'running', reason: requeue });
  return DONE;
}

/** The deployment cannot run at this generation: its servers go, its node is given back, and it says why. */
export async function fail(ctx: WorkerContext, row: Deployment, message: string, data: Record<string, unknown> = {}): Promise<Outcome> {
  const servers = (await ctx.runtime.list()).filter((s) => s.deploymentId === row.id);
  return leaveNode(ctx, row, servers, { to: 'failed', message, generation: row.generation, set: { deployStep: step(row.generation, 'failed') }, data, logs: 'stop', purge: true });
}
