import { diagnose, RuntimeUnavailableError, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { changeServer, noteDeployment } from '../deployments/apply-transition';
import { launchRequest } from '../deployments/launch-request';
import type { DeploymentLaunchSpec } from '../deployments/spec';
import { modelOnNode, prepareModel } from '../models/prepare-model';
import { awaitReady } from './await-ready';
import { startFailed } from './crash';
import { movePort } from './move-port';
import type { SyncAttempt } from './node-sync';
import { AGAIN, HANDBACK, type Outcome } from './outcome';
import { pullImage } from './pull-image';
import { fail, removeProcesses } from './remove-server';
import { guardOf, type ServerRun } from './server-run';

/** The steps that bring a server up on this node, one per action of node-decision.ts. */
export interface BringUp extends ServerRun {
  spec: DeploymentLaunchSpec;
  gpuIndices: number[];
  signal: AbortSignal;
  attempt: SyncAttempt;
}

/** A new generation (restart or settings change): the old one's processes go, and the server starts with a clean slate. */
export async function renew(ctx: WorkerContext, run: ServerRun, processes: ServerInfo[]): Promise<Outcome> {
  const { server, dep } = run;
  await removeProcesses(ctx, processes);
  const message = server.status === 'ready' ? `restarting for generation ${dep.generation}` : `now at generation ${dep.generation}`;
  await changeServer(ctx, {
    server: guardOf(server),
    ...(server.status === 'ready' ? { to: 'starting' as const } : {}),
    message,
    set: { generation: dep.generation, restartCount: 0, lastExitAt: null, upstreamUrl: null },
  });
  return AGAIN;
}

/** Processes of other generations go. */
export async function removeStale(ctx: WorkerContext, run: ServerRun, stale: ServerInfo[]): Promise<Outcome> {
  await removeProcesses(ctx, stale);
  await noteDeployment(ctx, { deploymentId: run.dep.id, type: 'server', message: `removed the server of generation ${stale.map((s) => s.generation).join(', ')}` });
  return AGAIN;
}

/** Started by an earlier attempt (a worker that died or handed the job back): now `starting`. */
export async function adopt(ctx: WorkerContext, run: ServerRun): Promise<Outcome> {
  await changeServer(ctx, { server: guardOf(run.server), to: 'starting', message: 'waiting for llama-server to load the model' });
  return AGAIN;
}

/** A running process's port served on the node and its output followed (both idempotent). */
export async function serve(ctx: WorkerContext, process: ServerInfo): Promise<void> {
  await ctx.runtime.expose(process);
  await ctx.logs.follow(process);
}

/** Image and model first, shown as `pulling` while either has to come over the network; then `starting`. */
export async function pull(ctx: WorkerContext, up: BringUp): Promise<Outcome> {
  const { server, dep, spec, gpuIndices, signal, attempt } = up;
  const image = await ctx.runtime.missingImage({ gpuIndices });
  if (server.status === 'placed' && (image || !(await modelOnNode(ctx, dep.orgId, spec.model)))) {
    const message = image ? `pulling image ${image}` : 'downloading the model';
    await changeServer(ctx, { server: guardOf(server), to: 'pulling', message });
    return AGAIN;
  }
  if (image) {
    const pulled = await pullImage(ctx, up, image, signal, attempt);
    if (pulled !== 'pulled') return pulled;
  }
  const prepared = await prepareModel(ctx, dep, spec.model, server.status === 'pulling' ? 'pulling' : 'scheduling', signal, attempt.final);
  if (prepared.kind === 'handback') return HANDBACK;
  if (prepared.kind === 'refused') return fail(ctx, up, prepared.message, { reason: prepared.reason });
  await changeServer(ctx, {
    server: guardOf(server),
    to: 'starting',
    message: 'starting llama-server',
    deployment: { modelSha256: prepared.model.sha256, modelBytes: BigInt(prepared.model.bytes), pullBytes: null, pullTotalBytes: null },
  });
  return AGAIN;
}

/** Starts llama-server and waits until it is ready. The image or a downloaded model may have been pruned since: fetched again first. */
export async function launch(ctx: WorkerContext, up: BringUp): Promise<Outcome> {
  const { server, dep, spec, gpuIndices, signal, attempt } = up;
  const image = await ctx.runtime.missingImage({ gpuIndices });
  if (image) {
    const pulled = await pullImage(ctx, up, image, signal, attempt);
    if (pulled !== 'pulled') return pulled;
  }
  const prepared = await prepareModel(ctx, dep, spec.model, 'starting', signal, attempt.final);
  if (prepared.kind === 'handback') return HANDBACK;
  if (prepared.kind === 'refused') return fail(ctx, up, prepared.message, { reason: prepared.reason });
  const request = launchRequest(ctx, up, spec, gpuIndices, prepared.model.file);
  // Make sure the port is really free on the node (another program may hold it), then start.
  if ((await ctx.runtime.portAvailable(server.port)) === false) return movePort(ctx, up);
  let process: ServerInfo;
  const startedAt = Date.now();
  try {
    process = await ctx.runtime.start(request);
  } catch (error) {
    if (!(error instanceof RuntimeUnavailableError)) throw error;
    const diagnosis = diagnose([error.message]);
    if (diagnosis.reason === 'port_in_use') return movePort(ctx, up);
    const message = diagnosis.reason === 'crashed' ? error.message : diagnosis.message;
    return startFailed(ctx, up, undefined, { reason: diagnosis.reason === 'crashed' ? 'runtime_error' : diagnosis.reason, message });
  }
  // The handle and its event in one transaction: a worker killed right after leaves both or neither.
  const noted = await changeServer(ctx, {
    server: guardOf(server),
    message: 'waiting for llama-server to load the model',
    set: { runtimeHandle: process.handle },
    event: {
      type: 'server',
      message: `started llama-server (${ctx.runtime.kind} ${process.handle.slice(0, 12)}, generation ${dep.generation}, port ${server.port})`,
      data: { serverId: server.id, handle: process.handle, generation: dep.generation, port: server.port, startedAt: new Date(startedAt).toISOString() },
    },
  });
  if (!noted) return AGAIN;
  await ctx.logs.follow(process);
  return awaitReady(ctx, { server: { ...server, runtimeHandle: process.handle }, dep }, process, signal);
}
