import { enqueueDeploymentSync } from '@gguf/redis';
import type { ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { type EventInput, removeServerRow } from '../deployments/apply-transition';
import { AGAIN, DONE, type Outcome } from './outcome';
import { kickPending } from './kick';
import type { ServerRun } from './server-run';

/** Stops (gracefully) and removes processes, shipping the last of their output first. */
export async function removeProcesses(ctx: WorkerContext, processes: ServerInfo[]): Promise<void> {
  for (const process of processes) {
    if (process.state === 'running') await ctx.runtime.stop(process.handle, ctx.timing.stopTimeoutMs);
    await ctx.logs.drain(process, 2_000);
    await ctx.runtime.remove(process.handle);
  }
}

export interface RemoveInput {
  message: string;
  /** Its deployment is deleted: everything of it on this node goes too. */
  purge?: boolean;
  event?: EventInput;
  deployment?: Parameters<typeof removeServerRow>[1]['deployment'];
  data?: Record<string, unknown>;
}

/**
 * The node side's one "a server leaves" sequence: its processes stopped and removed (output
 * shipped), then its row deleted with its port and GPUs and the deployment's status derived again,
 * in one transaction; capacity is offered to waiting deployments and the cluster side told, since
 * it may have to place another server or finish a stop or a delete.
 */
export async function removeServer(ctx: WorkerContext, run: ServerRun, processes: ServerInfo[], input: RemoveInput): Promise<Outcome> {
  const { server, dep } = run;
  await removeProcesses(ctx, processes);
  if (input.purge) await ctx.runtime.purge(dep.id);
  const removed = await removeServerRow(ctx, {
    server: { id: server.id, deploymentId: dep.id },
    message: input.message,
    ...(input.event ? { event: input.event } : {}),
    ...(input.deployment ? { deployment: input.deployment } : {}),
    ...(input.data ? { data: input.data } : {}),
  });
  if (!removed) return AGAIN;
  await kickPending(ctx);
  await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: dep.id, generation: dep.generation, desiredState: dep.desiredState, reason: `server removed: ${input.message}` });
  return DONE;
}

/** The deployment cannot run at this generation: it fails (every server of it goes), starting with this one. */
export async function fail(ctx: WorkerContext, run: ServerRun, message: string, data: Record<string, unknown> = {}): Promise<Outcome> {
  const processes = (await ctx.runtime.list()).filter((p) => p.serverId === run.server.id);
  return removeServer(ctx, run, processes, { message, deployment: { failedGeneration: run.dep.generation }, data });
}
