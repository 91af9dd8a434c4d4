import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type DeploymentStatus, describeError } from '@gguf/core';
import type { Deployment } from '@gguf/db';
import { enqueueDeploymentSync } from '@gguf/redis';
import { diagnose, probeHealth, PullError, RuntimeUnavailableError, type ServerInfo } from '@gguf/runtime';
import type { WorkerContext } from '../context';
import { applyTransition, noteDeployment, releaseGpus, step, stepOf, UNPLACED } from '../deployments/apply-transition';
import { type DeploymentLaunchSpec, InvalidDeploymentError, launchSpecOf } from '../deployments/spec';
import { launchRequest } from '../deployments/launch-request';
import { modelOnNode, prepareModel } from '../models/prepare-model';
import { allocatedGpus, allocationFits } from '../scheduler/schedule';
import { kickPending } from './kick';
import { AGAIN, DONE, HANDBACK, type Outcome } from './outcome';

/**
 * node.sync: makes this node's servers match one deployment placed on it. Level-triggered: each
 * call reads the deployment and what actually runs, and takes the next step towards the desired
 * state; the job calls it again until it says `done`. Because every step is decided from what is
 * observed (container labels, state files, the deploy step recorded per generation), a job
 * retried after a worker died resumes where the last one stopped, and never starts a second
 * server: servers are named per deployment generation.
 */
export interface SyncAttempt {
  /** The job will not be retried after this attempt: transient failures become final. */
  final: boolean;
}

export async function syncOnNode(ctx: WorkerContext, deploymentId: string, signal: AbortSignal, attempt: SyncAttempt = { final: false }): Promise<Outcome> {
  const row = await ctx.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!row || row.status === 'deleted') return DONE;
  // Not (or no longer) placed here: the cluster sync owns it, and this node's reconcile removes what is left.
  if (row.nodeId !== ctx.node.id) return DONE;
  const servers = (await ctx.runtime.list()).filter((s) => s.deploymentId === deploymentId);
  if (row.desiredState === 'deleted') return teardown(ctx, row, servers, 'deleted');
  if (row.desiredState === 'stopped') return teardown(ctx, row, servers, 'stopped');
  return bringUp(ctx, row, servers, signal, attempt);
}

// ---------------------------------------------------------------------------------------------
// Stopping and deleting
// ---------------------------------------------------------------------------------------------

async function removeServers(ctx: WorkerContext, servers: ServerInfo[], graceful: boolean): Promise<void> {
  for (const server of servers) {
    if (server.state === 'running') await ctx.runtime.stop(server.handle, graceful ? ctx.timing.stopTimeoutMs : 0);
    await ctx.logs.drain(server, 2_000);
    await ctx.runtime.remove(server.handle);
  }
}

async function teardown(ctx: WorkerContext, row: Deployment, servers: ServerInfo[], target: 'stopped' | 'deleted'): Promise<Outcome> {
  const id = row.id;
  if (target === 'deleted') {
    if (row.status !== 'deleting' && !(await applyTransition(ctx, { deploymentId: id, from: row.status, to: 'deleting', message: 'deleting' }))) return AGAIN;
    await removeServers(ctx, servers, true);
    await ctx.logs.forget(id);
    await ctx.runtime.purge(id);
    const ok = await applyTransition(ctx, {
      deploymentId: id,
      from: 'deleting',
      to: 'deleted',
      message: 'deleted',
      set: { ...UNPLACED, deployStep: null, deletedAt: row.deletedAt ?? new Date() },
      also: (tx) => releaseGpus(tx, id),
    });
    if (ok) await kickPending(ctx);
    return ok ? DONE : AGAIN;
  }

  if (row.status === 'stopped' || row.status === 'pending' || row.status === 'failed' || row.status === 'deleting') {
    // Placed here although not running: only possible after a crash of a worker mid-update. Free everything.
    await removeServers(ctx, servers, true);
    return releaseInPlace(ctx, row, row.status === 'deleting' ? undefined : 'stopped');
  }
  if (row.status !== 'stopping' && !(await applyTransition(ctx, { deploymentId: id, from: row.status, to: 'stopping', message: 'stopping', set: { upstreamUrl: null } }))) {
    return AGAIN;
  }
  await removeServers(ctx, servers, true);
  await ctx.logs.stopDeployment(id);
  await ctx.runtime.purge(id);
  const ok = await applyTransition(ctx, {
    deploymentId: id,
    from: 'stopping',
    to: 'stopped',
    message: 'stopped',
    set: { ...UNPLACED, deployStep: null, restartCount: 0 },
    also: (tx) => releaseGpus(tx, id),
  });
  if (ok) await kickPending(ctx);
  return ok ? DONE : AGAIN;
}

/** Frees the node, GPUs and port of a deployment that should not hold them, moving it to `to` when given. */
async function releaseInPlace(ctx: WorkerContext, row: Deployment, to?: DeploymentStatus): Promise<Outcome> {
  const message = to ? `${to}; released node resources` : row.statusMessage;
  if (to && to !== row.status) {
    const ok = await applyTransition(ctx, { deploymentId: row.id, from: row.status, to, message, set: UNPLACED, also: (tx) => releaseGpus(tx, row.id) });
    if (ok) await kickPending(ctx);
    return ok ? DONE : AGAIN;
  }
  await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.deployment.updateMany({ where: { id: row.id, status: row.status, nodeId: ctx.node.id }, data: UNPLACED });
    if (count > 0) await releaseGpus(tx, row.id);
  });
  await kickPending(ctx);
  return DONE;
}

// ---------------------------------------------------------------------------------------------
// Failing and crashing
// ---------------------------------------------------------------------------------------------

/** The deployment cannot run at this generation: tear down, free its GPUs and port, and say why. */
async function fail(ctx: WorkerContext, row: Deployment, message: string, data: Record<string, unknown> = {}): Promise<Outcome> {
  const servers = (await ctx.runtime.list()).filter((s) => s.deploymentId === row.id);
  await removeServers(ctx, servers, true);
  await ctx.logs.stopDeployment(row.id);
  await ctx.runtime.purge(row.id);
  const ok = await applyTransition(ctx, {
    deploymentId: row.id,
    from: row.status,
    to: 'failed',
    message,
    generation: row.generation,
    set: { ...UNPLACED, deployStep: step(row.generation, 'failed') },
    data,
    also: (tx) => releaseGpus(tx, row.id),
  });
  if (ok) await kickPending(ctx);
  return ok ? DONE : AGAIN;
}

/** Why a server stopped, from its last output lines. */
async function explainExit(ctx: WorkerContext, server: ServerInfo | undefined): Promise<{ reason: string; message: string; exitCode?: number | null }> {
  if (!server) return { reason: 'crashed', message: 'the server disappeared from the node' };
  if (server.oomKilled) return { reason: 'out_of_memory', message: 'killed for exceeding its memory limit', exitCode: server.exitCode };
  const lines = await ctx.runtime.tail(server.handle, 60).catch(() => []);
  const diagnosis = diagnose(lines, { exitCode: server.exitCode });
  return { ...diagnosis, exitCode: server.exitCode };
}

/**
 * A server of the current generation died: count it and restart after a jittered exponential
 * backoff, or give up once the deployment is crash-looping. A server that ran for a long while
 * before dying starts a fresh count.
 */
async function recordCrash(ctx: WorkerContext, row: Deployment, server: ServerInfo | undefined, explanation?: { reason: string; message: string; exitCode?: number | null }): Promise<Outcome> {
  const exit = explanation ?? (await explainExit(ctx, server));
  if (server) {
    await ctx.logs.drain(server, 2_000);
    await ctx.runtime.remove(server.handle);
  }
  const ranLong = row.readyAt !== null && Date.now() - row.readyAt.getTime() > ctx.timing.crashResetAfterMs;
  const count = (ranLong ? 0 : row.restartCount) + 1;
  const data = { reason: exit.reason, exitCode: exit.exitCode ?? null, restartCount: count };
  if (count > ctx.timing.crashLoopLimit) {
    return fail(ctx, row, `crash loop: llama-server failed ${count} times in a row; last: ${exit.message}`, data);
  }
  const delay = backoffDelay(count, ctx.timing.restartBackoffMs, ctx.timing.restartBackoffMaxMs);
  const message = `llama-server stopped (${exit.message}); restarting in ${Math.max(1, Math.round(delay / 1000))}s (restart ${count} of at most ${ctx.timing.crashLoopLimit})`;
  const set = { restartCount: count, lastExitAt: new Date(), upstreamUrl: null, deployStep: step(row.generation, 'crashed') };
  const also = (tx: Parameters<NonNullable<Parameters<typeof applyTransition>[1]['also']>>[0]) =>
    tx.deploymentEvent.create({ data: { deploymentId: row.id, type: 'exit', message: exit.message, data } }).then(() => undefined);
  const ok =
    row.status === 'running'
      ? await applyTransition(ctx, { deploymentId: row.id, from: 'running', to: 'starting', message, generation: row.generation, set, data, also })
      : row.status === 'starting'
        ? await noteDeployment(ctx, { deploymentId: row.id, type: 'exit', message, data, status: 'starting', generation: row.generation, set })
        : await applyTransition(ctx, { deploymentId: row.id, from: row.status, to: 'starting', message, generation: row.generation, set, data, also });
  if (!ok) return AGAIN;
  ctx.logger.warn({ deploymentId: row.id, restart: count, delayMs: delay, reason: exit.reason }, 'llama-server stopped; restarting after backoff');
  return { kind: 'delay', ms: delay, why: 'restart backoff' };
}

/** The server of this generation exited before it became ready. */
async function startFailed(ctx: WorkerContext, row: Deployment, server: ServerInfo | undefined, explanation?: { reason: string; message: string; exitCode?: number | null }): Promise<Outcome> {
  const exit = explanation ?? (await explainExit(ctx, server));
  // Restarting after a crash: another failure is part of the same crash loop.
  if (row.restartCount > 0) return recordCrash(ctx, row, server, exit);
  if (server) await ctx.logs.drain(server, 2_000);
  return fail(ctx, row, exit.message, { reason: exit.reason, exitCode: exit.exitCode ?? null });
}

// ---------------------------------------------------------------------------------------------
// Bringing a server up
// ---------------------------------------------------------------------------------------------

async function bringUp(ctx: WorkerContext, row: Deployment, servers: ServerInfo[], signal: AbortSignal, attempt: SyncAttempt): Promise<Outcome> {
  const id = row.id;
  if (row.status === 'pending' || row.status === 'stopped' || row.status === 'failed') {
    // Should not be placed in these statuses: free the node and let the cluster sync decide.
    await removeServers(ctx, servers, true);
    await releaseInPlace(ctx, row);
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: id, generation: row.generation, desiredState: 'running', reason: 'released by node' });
    return DONE;
  }
  if (row.status === 'stopping') {
    // Asked to run again while stopping: finish the stop; the cluster sync then starts it afresh.
    await removeServers(ctx, servers, true);
    const ok = await applyTransition(ctx, { deploymentId: id, from: 'stopping', to: 'stopped', message: 'stopped', set: { ...UNPLACED, deployStep: null }, also: (tx) => releaseGpus(tx, id) });
    if (!ok) return AGAIN;
    await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: id, generation: row.generation, desiredState: 'running', reason: 'start after stop' });
    return DONE;
  }
  if (row.status === 'deleting') return DONE;

  // scheduling | pulling | starting | running
  if (row.port === null) return releaseAndReplace(ctx, row, servers, 'the deployment has no port on this node; placing it again');

  let spec: DeploymentLaunchSpec;
  const held = await allocatedGpus(ctx.db, id);
  const gpuIndices = held.map((g) => g.index);
  try {
    spec = launchSpecOf(row);
  } catch (error) {
    if (error instanceof InvalidDeploymentError) return fail(ctx, row, error.message, { reason: 'invalid_deployment' });
    throw error;
  }
  if (!allocationFits(row, held)) return releaseAndReplace(ctx, row, servers, 'the GPU request changed; placing the deployment again');

  // A new generation (restart or settings change) starts with a clean slate.
  const recorded = stepOf(row.deployStep);
  if (recorded?.generation !== row.generation) {
    const set = { deployStep: step(row.generation, 'placed'), restartCount: 0, lastExitAt: null };
    await ctx.db.deployment.updateMany({ where: { id, generation: row.generation, status: row.status }, data: set });
    await ctx.db.gpuAllocation.updateMany({ where: { deploymentId: id }, data: { generation: row.generation } });
    return AGAIN;
  }

  const stale = servers.filter((s) => s.generation !== row.generation);
  if (stale.length > 0) {
    await removeServers(ctx, stale, true);
    await noteDeployment(ctx, { deploymentId: id, type: 'server', message: `removed the server of generation ${stale.map((s) => s.generation).join(', ')}` });
    if (row.status === 'running') {
      const ok = await applyTransition(ctx, {
        deploymentId: id,
        from: 'running',
        to: 'starting',
        message: `restarting for generation ${row.generation}`,
        generation: row.generation,
        set: { upstreamUrl: null },
      });
      if (!ok) return AGAIN;
    }
    return AGAIN;
  }

  const current = servers.find((s) => s.generation === row.generation);
  if (row.status === 'running') {
    if (current?.state === 'running') {
      await ctx.runtime.expose(current);
      await ctx.logs.follow(current);
      return DONE;
    }
    return recordCrash(ctx, row, current);
  }

  if (current?.state === 'exited') return startFailed(ctx, row, current);
  if (current?.state === 'running') {
    // Started by an earlier attempt (a worker that died or handed the job back): adopt it.
    if (row.status !== 'starting') {
      const ok = await applyTransition(ctx, { deploymentId: id, from: row.status, to: 'starting', message: 'waiting for llama-server to load the model' });
      if (!ok) return AGAIN;
      return AGAIN;
    }
    await ctx.runtime.expose(current);
    await ctx.logs.follow(current);
    return awaitReady(ctx, row, current, signal);
  }

  // No server of this generation yet (or one created but never started).
  if (row.status === 'starting' && row.restartCount > 0 && row.lastExitAt) {
    // Level-triggered backoff: even a job that lost its delay waits out the minimum (the jitter's lower bound).
    const due = row.lastExitAt.getTime() + Math.round(0.8 * Math.min(ctx.timing.restartBackoffMaxMs, ctx.timing.restartBackoffMs * 2 ** (row.restartCount - 1)));
    if (Date.now() < due) return { kind: 'delay', ms: due - Date.now(), why: 'restart backoff' };
  }

  if (row.status === 'scheduling' || row.status === 'pulling') {
    // Image and model first, shown as `pulling` while either has to come over the network.
    const image = await ctx.runtime.missingImage({ gpuIndices });
    if (row.status === 'scheduling' && (image || !(await modelOnNode(ctx, row.orgId, spec.model)))) {
      const message = image ? `pulling image ${image}` : 'downloading the model';
      await applyTransition(ctx, { deploymentId: id, from: 'scheduling', to: 'pulling', message, set: { deployStep: step(row.generation, 'pulling') } });
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
      deploymentId: id,
      from: row.status,
      to: 'starting',
      message: 'starting llama-server',
      set: {
        deployStep: step(row.generation, 'starting'),
        modelSha256: prepared.model.sha256,
        modelBytes: BigInt(prepared.model.bytes),
        pullBytes: null,
        pullTotalBytes: null,
      },
    });
    return AGAIN;
  }

  // status === 'starting'. The image or a downloaded model may have been removed from the node since (a prune): fetch them again.
  const image = await ctx.runtime.missingImage({ gpuIndices });
  if (image) {
    const pulled = await pullImage(ctx, row, image, signal, attempt);
    if (pulled !== 'pulled') return pulled;
  }
  const prepared = await prepareModel(ctx, row, spec.model, 'starting', signal, attempt.final);
  if (prepared.kind === 'handback') return HANDBACK;
  if (prepared.kind === 'refused') return fail(ctx, row, prepared.message, { reason: prepared.reason });
  const request = launchRequest(ctx, row, spec, gpuIndices, prepared.model.file);
  // Make sure the port is really free on the node (another program may hold it), then start.
  if ((await ctx.runtime.portAvailable(row.port)) === false) return movePort(ctx, row);
  let server: ServerInfo;
  const startedAt = Date.now();
  try {
    server = await ctx.runtime.start(request);
  } catch (error) {
    if (error instanceof RuntimeUnavailableError) {
      const diagnosis = diagnose([error.message]);
      const message = diagnosis.reason === 'crashed' ? error.message : diagnosis.message;
      return startFailed(ctx, row, undefined, { reason: diagnosis.reason === 'crashed' ? 'runtime_error' : diagnosis.reason, message });
    }
    throw error;
  }
  // The step and its event in one transaction: a worker killed right after leaves both or neither.
  const noted = await noteDeployment(ctx, {
    deploymentId: id,
    type: 'server',
    message: `started llama-server (${ctx.runtime.kind} ${server.handle.slice(0, 12)}, generation ${row.generation}, port ${row.port})`,
    statusMessage: 'waiting for llama-server to load the model',
    data: { handle: server.handle, generation: row.generation, port: row.port, startedAt: new Date(startedAt).toISOString() },
    status: 'starting',
    generation: row.generation,
    set: { runtimeHandle: server.handle, deployStep: step(row.generation, 'started') },
  });
  if (!noted) return AGAIN;
  await ctx.logs.follow(server);
  return awaitReady(ctx, { ...row, runtimeHandle: server.handle }, server, signal);
}

/** The deployment's placement no longer fits it: give everything back and let the scheduler place it again. */
async function releaseAndReplace(ctx: WorkerContext, row: Deployment, servers: ServerInfo[], message: string): Promise<Outcome> {
  await removeServers(ctx, servers, true);
  const ok = await applyTransition(ctx, {
    deploymentId: row.id,
    from: row.status,
    to: 'pending',
    message,
    set: { ...UNPLACED, deployStep: null, restartCount: 0 },
    also: (tx) => releaseGpus(tx, row.id),
  });
  if (!ok) return AGAIN;
  await enqueueDeploymentSync(ctx.deploymentQueue, { deploymentId: row.id, generation: row.generation, desiredState: 'running', reason: 'placing again' });
  return DONE;
}

/** Something outside GGUF Cloud listens on the allocated port: take another one from the node's range. */
async function movePort(ctx: WorkerContext, row: Deployment): Promise<Outcome> {
  const node = await ctx.db.node.findUniqueOrThrow({ where: { id: ctx.node.id } });
  const taken = new Set((await ctx.db.deployment.findMany({ where: { nodeId: node.id, port: { not: null } }, select: { port: true } })).map((d) => d.port));
  for (let port = node.portRangeStart; port <= node.portRangeEnd; port++) {
    if (taken.has(port) || port === row.port) continue;
    if ((await ctx.runtime.portAvailable(port)) === false) continue;
    try {
      const moved = await noteDeployment(ctx, {
        deploymentId: row.id,
        type: 'port',
        message: `port ${row.port} is in use by another program on the node; using port ${port}`,
        status: row.status,
        generation: row.generation,
        set: { port },
      });
      if (moved) ctx.logger.warn({ deploymentId: row.id, from: row.port, to: port }, 'allocated port was in use; moved');
      return AGAIN;
    } catch (error) {
      // Another deployment took that port meanwhile (unique node/port): try the next one.
      if ((error as { code?: string }).code === 'P2002') continue;
      throw error;
    }
  }
  return fail(ctx, row, `no free port left in ${node.portRangeStart}-${node.portRangeEnd} on node ${node.name}`, { reason: 'port_in_use' });
}

async function pullImage(ctx: WorkerContext, row: Deployment, image: string, signal: AbortSignal, attempt: SyncAttempt): Promise<'pulled' | Outcome> {
  const started = Date.now();
  let lastNote = 0;
  let lastPercent = -1;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  try {
    await ctx.runtime.pull(
      image,
      (progress) => {
        const now = Date.now();
        const percent = progress.totalBytes > 0 ? Math.floor((100 * progress.currentBytes) / progress.totalBytes) : 0;
        if (now - lastNote < 5_000 || percent === lastPercent) return;
        lastNote = now;
        lastPercent = percent;
        void noteDeployment(ctx, {
          deploymentId: row.id,
          type: 'pull',
          message: `pulling image ${image}: ${gib(progress.currentBytes)} of ${gib(progress.totalBytes)} (${percent}%)`,
          data: { image, currentBytes: progress.currentBytes, totalBytes: progress.totalBytes },
          status: row.status === 'scheduling' ? 'pulling' : row.status,
          generation: row.generation,
        }).catch(() => undefined);
      },
      signal,
    );
  } catch (error) {
    if (signal.aborted) return HANDBACK;
    if ((error instanceof PullError && error.permanent) || attempt.final) {
      // Refused by the registry, or still failing after every retry: the deployment cannot start.
      const current = await ctx.db.deployment.findUnique({ where: { id: row.id } });
      const message = error instanceof PullError ? error.message : `could not pull ${image}: ${describeError(error)}`;
      return current ? fail(ctx, current, message, { reason: 'image_pull_failed', image }) : DONE;
    }
    // A registry or network hiccup: the job is retried with backoff and resumes at this step.
    await noteDeployment(ctx, { deploymentId: row.id, type: 'pull', message: `pulling image ${image} failed, will retry: ${describeError(error)}`, data: { image } });
    throw error;
  }
  await noteDeployment(ctx, { deploymentId: row.id, type: 'pull', message: `pulled image ${image} in ${Math.round((Date.now() - started) / 1000)}s`, data: { image } });
  return 'pulled';
}

/**
 * Polls llama-server's /health until 200 (503 while it loads the model, no answer while it
 * downloads it), watching meanwhile that the server is still alive and that nobody changed the
 * deployment (a stop or restart must not wait for a 20-minute download to finish).
 */
async function awaitReady(ctx: WorkerContext, row: Deployment, server: ServerInfo, signal: AbortSignal): Promise<Outcome> {
  const url = `http://${ctx.node.address}:${row.port}`;
  const serverStartedAt = server.startedAt?.getTime() ?? Date.now();
  const deadline = serverStartedAt + ctx.timing.readyTimeoutMs;
  let delay = 25;
  let lastCheck = Date.now();
  for (;;) {
    if (signal.aborted) return HANDBACK;
    const health = await probeHealth(url, 2_000);
    if (health === 'ready') {
      const readyAt = new Date();
      const ok = await applyTransition(ctx, {
        deploymentId: row.id,
        from: 'starting',
        to: 'running',
        message: 'running',
        generation: row.generation,
        set: { upstreamUrl: url, readyAt, deployStep: step(row.generation, 'ready'), runtimeHandle: server.handle },
        data: { upstreamUrl: url, serverStartedAt: new Date(serverStartedAt).toISOString(), serverReadyAt: readyAt.toISOString(), loadMs: readyAt.getTime() - serverStartedAt },
      });
      return ok ? DONE : AGAIN;
    }
    if (Date.now() - lastCheck >= 500) {
      lastCheck = Date.now();
      const now = await ctx.runtime.inspect(server.handle);
      if (!now || now.state !== 'running') return startFailed(ctx, row, now);
      const fresh = await ctx.db.deployment.findUnique({ where: { id: row.id }, select: { status: true, desiredState: true, generation: true, nodeId: true } });
      if (!fresh || fresh.status !== 'starting' || fresh.desiredState !== 'running' || fresh.generation !== row.generation || fresh.nodeId !== ctx.node.id) return AGAIN;
      if (Date.now() > deadline) {
        const minutes = Math.round(ctx.timing.readyTimeoutMs / 60_000);
        const exit = await explainExit(ctx, now);
        const tail = exit.reason === 'crashed' ? '' : ` (last output: ${exit.message})`;
        return startFailed(ctx, row, now, {
          reason: 'ready_timeout',
          message: `llama-server was not ready after ${minutes >= 1 ? `${minutes} min` : `${Math.round(ctx.timing.readyTimeoutMs / 1000)}s`}${tail}`,
        });
      }
    }
    await sleep(delay, undefined, { signal }).catch(() => undefined);
    delay = Math.min(1_000, Math.round(delay * 1.3));
  }
}
