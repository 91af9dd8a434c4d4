import { clearWake, publishDeploymentChanged, readActivity, wakeWanted } from '@gguf/redis';
import { eventually } from './eventually';
import type { Harness } from './harness';
import { readyServer } from './servers';

/**
 * Deployments that sleep, for the held-request tests: the test plays the worker, which wakes a deployment by
 * giving it a ready server, moving it to running and announcing the change.
 */
export function sleepingDeployments(h: Harness) {
  /** A scale-to-zero deployment of the harness's org, asleep (no upstream). */
  const create = async (options: { wakeTimeoutS?: number; modelName?: string } = {}) => {
    const id = await h.createDeployment(h.orgId, { upstreamUrl: null, modelName: options.modelName });
    await h.db.deployment.update({ where: { id }, data: { status: 'sleeping', replicasMin: 0, replicasWanted: 0, wakeTimeoutS: options.wakeTimeoutS ?? 600 } });
    return id;
  };
  /** What the worker does once the deployment's server is up (a ready server, and the deployment running); `announce: false` leaves the gateway to find out by itself. */
  const wake = async (id: string, upstreamUrl = h.fake.url, announce = true) => {
    await readyServer(h.db, id, upstreamUrl);
    await h.db.deployment.update({ where: { id }, data: { status: 'running', replicasWanted: 1 } });
    if (announce) await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
  };
  const change = async (id: string, data: { status?: 'stopped' | 'failed' | 'pending'; desiredState?: 'stopped' | 'running'; deletedAt?: Date }) => {
    await h.db.deployment.update({ where: { id }, data });
    await publishDeploymentChanged(h.redis, { kind: data.deletedAt ? 'deleted' : 'updated', deploymentId: id });
  };
  const held = (id: string) => h.gateway.context.held.heldFor(id);
  /** Waits until `count` requests are held for the deployment and it has asked the workers to wake it. */
  const untilHeld = async (id: string, count = 1) => {
    await eventually(() => held(id) === count, 10_000);
    await eventually(() => wakeWanted(h.redis, id));
  };
  /** Requests in flight for the deployment over every gateway, as the worker reads them. */
  const inflight = async (id: string) => (await readActivity(h.redis, [id])).get(id)?.inflight ?? 0;
  return { create, wake, change, held, untilHeld, inflight, forgetWake: (id: string) => clearWake(h.redis, id) };
}
