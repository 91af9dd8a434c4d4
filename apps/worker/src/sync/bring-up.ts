import type { Deployment } from '@gguf/db';
import { diagnose, RuntimeUnavailableError, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { applyTransition, noteDeployment, step } from '../deployments/apply-transition';
import { launchRequest } from '../deployments/launch-request';
import type { DeploymentLaunchSpec } from '../deployments/spec';
import { modelOnNode, prepareModel } from '../models/prepare-model';
import { awaitReady } from './await-ready';
import { startFailed } from './crash';
import { fail, removeServers } from './leave-node';
import { movePort } from './move-port';
import type { SyncAttempt } from './node-sync';
import { AGAIN, HANDBACK, type Outcome } from './outcome';
import { pullImage } from './pull-image';

/** The steps that bring a deployment's server up on this node, one per action of node-decision.ts. */
export interface BringUp {
  row: Deployment;
  spec: DeploymentLaunchSpec;
  gpuIndices: number[];
  signal: AbortSignal;
  attempt: SyncAttempt;
}

/** A new generation (restart or settings change) starts with a clean slate. */
export async function beginGeneration(ctx: WorkerContext, row: Deployment): Promise<Outcome> {
  await ctx.db.deployment.updateMany({
    where: { id: row.id, generation: row.generation, status: row.status },
    data: { deployStep: step(row.generation, 'placed'), restartCount: 0, lastExitAt: null },
  });
  await ctx.db.gpuAllocation.updateMany({ where: { deploymentId: row.id }, data: { generation: row.generation } });
  return AGAIN;
}

/** Servers of older generations go; a running deployment goes back to `starting` for its new one. */
export async function removeStale(ctx: WorkerContext, row: Deployment, stale: ServerInfo[]): Promise<Outcome> {
  await removeServers(ctx, stale);
  await noteDeployment(ctx, { deploymentId: row.id, type: 'server', message: `removed the server of generation ${stale.map((s) => s.generation).join(', ')}` });
  if (row.status === 'running') {
    await applyTransition(ctx, { deploymentId: row.id, from: 'running', to: 'starting', message: `restarting for generation ${row.generation}`, generation: row.generation, set: { upstreamUrl: null } });
  }
  return AGAIN;
}

/** Started by an earlier attempt (a worker that died or handed the job back): now `starting`. */
export async function adopt(ctx: WorkerContext, row: Deployment): Promise<Outcome> {
  await applyTransition(ctx, { deploymentId: row.id, from: row.status, to: 'starting', message: 'waiting for llama-server to load the model' });
  return AGAIN;
}

/** A running server's port served on the node and its output followed (both idempotent). */
export async function serve(ctx: WorkerContext, server: ServerInfo): Promise<void> {
  await ctx.runtime.expose(server);
  await ctx.logs.follow(server);
}

/** Image and model first, shown as `pulling` while either has to come over the network; then `starting`. */
export async function pull(ctx: WorkerContext, up: BringUp): Promise<Outcome> {
  const { row, spec, gpuIndices, signal, attempt } = up;
  const image = await ctx.runtime.missingImage({ gpuIndices });
  if (row.status === 'scheduling' && (image || !(await modelOnNode(ctx, row.orgId, spec.model)))) {
    const message = image ? `pulling image ${image}` : 'downloading the model';
    await applyTransition(ctx, { deploymentId: row.id, from: 'scheduling', to: 'pulling', message, set: { deployStep: step(row.generation, 'pulling') } });
    return AGAIN;
  }
  if (image) {
    const pulled = await pullImage(ctx, row, image, signal, attempt);
    if (pulled !== 'pulled') return pulled;
  }
  const prepared = await prepareModel(ctx, row, spec.model, row.status, signal, attempt.final);
  if (prepared.kind === 'handback') return HANDBACK;
  if (prepared.kind === 'refused') return fail(ctx, row, prepared.message, { reason: prepared.reason });
  await applyTransition(ctx, {
    deploymentId: row.id,
    from: row.status,
    to: 'starting',
    message: 'starting llama-server',
    set: { deployStep: step(row.generation, 'starting'), modelSha256: prepared.model.sha256, modelBytes: BigInt(prepared.model.bytes), pullBytes: null, pullTotalBytes: null },
  });
  return AGAIN;
}

/** Starts llama-server and waits until it is ready. The image or a downloaded model may have been pruned since: fetched again first. */
export async function launch(ctx: WorkerContext, up: BringUp): Promise<Outcome> {
  const { row, spec, gpuIndices, signal, attempt } = up;
  const image = await ctx.runtime.missingImage({ gpuIndices });
  if (image) {
    const pulled = await pullImage(ctx, row, image, signal, attempt);
    if (pulled !== 'pulled') return pulled;
  }
  const prepared = await prepareModel(ctx, row, spec.model, 'starting', signal, attempt.final);
  if (prepared.kind === 'handback') return HANDBACK;
  if (prepared.kind === 'refused') return fail(ctx, row, prepared.message, { reason: prepared.reason });
  const port = row.port!;
  const request = launchRequest(ctx, row, spec, gpuIndices, prepared.model.file);
  // Make sure the port is really free on the node (another program may hold it), then start.
  if ((await ctx.runtime.portAvailable(port)) === false) return movePort(ctx, row);
  let server: ServerInfo;
  const startedAt = Date.now();
  try {
    server = await ctx.runtime.start(request);
  } catch (error) {
    if (!(error instanceof RuntimeUnavailableError)) throw error;
    const diagnosis = diagnose([error.message]);
    if (diagnosis.reason === 'port_in_use') return movePort(ctx, row);
    const message = diagnosis.reason === 'crashed' ? error.message : diagnosis.message;
    return startFailed(ctx, row, undefined, { reason: diagnosis.reason === 'crashed' ? 'runtime_error' : diagnosis.reason, message });
  }
  // The step and its event in one transaction: a worker killed right after leaves both or neither.
  const noted = await noteDeployment(ctx, {
    deploymentId: row.id,
    type: 'server',
    message: `started llama-server (${ctx.runtime.kind} ${server.handle.slice(0, 12)}, generation ${row.generation}, port ${port})`,
    statusMessage: 'waiting for llama-server to load the model',
    data: { handle: server.handle, generation: row.generation, port, startedAt: new Date(startedAt).toISOString() },
    status: 'starting',
    generation: row.generation,
    set: { runtimeHandle: server.handle, deployStep: step(row.generation, 'started') },
  });
  if (!noted) return AGAIN;
  await ctx.logs.follow(server);
  return awaitReady(ctx, { ...row, runtimeHandle: server.handle }, server, signal);
}
