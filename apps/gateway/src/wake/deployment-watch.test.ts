import { newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { createTestDatabase, type TestDatabase, testSecrets } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authorized, Waking } from '../auth/authorize';
import { type DeploymentRecord, Directory } from '../auth/directory';
import { UpstreamEjections } from '../failover/upstream-ejections';
import type { GatewayError } from '../http/errors';
import { eventually } from '../test/eventually';
import { readyServer } from '../test/servers';
import { DeploymentWatch, type Waiter } from './deployment-watch';

/** Counts the reads a watch makes, to show they are shared by every request it holds. */
class CountingDirectory extends Directory {
  reads = 0;
  override freshDeployment(id: string): Promise<DeploymentRecord | null> {
    this.reads++;
    return super.freshDeployment(id);
  }
}

let t: TestDatabase;
let orgId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'o', slug: orgId.replace('_', '-') } });
});
afterAll(() => t.drop());

async function sleepingDeployment(): Promise<string> {
  const id = newId('deployment');
  await t.db.deployment.create({
    data: {
      id,
      orgId,
      name: 'd',
      modelName: `d-${id.slice(-8)}`,
      modelSource: 'local',
      modelPath: 'm.gguf',
      status: 'sleeping',
      replicasMin: 0,
      upstreamSecret: testSecrets.seal('s', secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
    },
  });
  return id;
}

/** A watch that re-reads and re-asks only when told (no timers firing during the test). */
function watchOf(directory: Directory, id: string) {
  const wakes: number[] = [];
  const done = { reads: 0 };
  const watch = new DeploymentWatch(id, { directory, ejections: new UpstreamEjections(5_000), requestWake: (_, until) => wakes.push(until), onRead: () => void done.reads++, pollMs: 3_600_000, rewakeMs: 3_600_000 }, () => undefined);
  return { watch, wakes, done };
}

async function waiters(directory: Directory, id: string, count: number) {
  const record = (await directory.deployment(id)) as DeploymentRecord;
  const settled: { index: number; outcome: Authorized | GatewayError }[] = [];
  const list = Array.from({ length: count }, (_, index): Waiter => {
    const waking: Waking = { key: { id: 'k', orgId, expiresAt: null, allowedModels: null, rpm: null, maxStreams: null, tokenBudget: null }, org: { rpm: null, maxStreams: null }, waking: record, shownAs: `Deployment ${id}`, modelName: record.modelName };
    return { waking, deadline: Date.now() + 60_000 + index, settle: (outcome) => settled.push({ index, outcome }) };
  });
  return { list, settled };
}

describe('DeploymentWatch', () => {
  it('asks for the wake with the first request, reads once per change for all, and releases them in arrival order', async () => {
    const directory = new CountingDirectory(t.db, { ttlMs: 60_000, negativeTtlMs: 1_000, maxEntries: 100, secrets: testSecrets });
    const id = await sleepingDeployment();
    const { list, settled } = await waiters(directory, id, 10);
    const { watch, wakes, done } = watchOf(directory, id);
    list.forEach((waiter) => watch.add(waiter));
    expect(wakes).toEqual([list[0]?.deadline]);
    // The first request's read (the record that held it may be stale): still asleep.
    await eventually(() => done.reads === 1);
    expect(directory.reads).toBe(1);
    expect(watch.size).toBe(10);

    const serverId = await readyServer(t.db, id, 'http://127.0.0.1:9');
    await t.db.deployment.update({ where: { id }, data: { status: 'running' } });
    directory.forgetDeployment(id); // what the change notification does
    await eventually(() => settled.length === 10);
    expect(directory.reads).toBe(2);
    expect(settled.map((entry) => entry.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const { outcome } of settled) expect(outcome).toMatchObject({ deployment: { id, upstreams: [{ serverId, url: 'http://127.0.0.1:9' }] } });
    expect(watch.size).toBe(0);
  });

  it('keeps waiting through the way up, and answers each as a new request would once the deployment is stopped', async () => {
    const directory = new CountingDirectory(t.db, { ttlMs: 60_000, negativeTtlMs: 1_000, maxEntries: 100, secrets: testSecrets });
    const id = await sleepingDeployment();
    const { list, settled } = await waiters(directory, id, 3);
    const { watch, done } = watchOf(directory, id);
    list.forEach((waiter) => watch.add(waiter));
    await eventually(() => done.reads === 1);
    for (const status of ['pending', 'scheduling', 'pulling', 'starting'] as const) {
      await t.db.deployment.update({ where: { id }, data: { status } });
      const before = done.reads;
      directory.forgetDeployment(id);
      await eventually(() => done.reads === before + 1);
      expect(settled).toEqual([]);
    }
    await t.db.deployment.update({ where: { id }, data: { status: 'stopped', desiredState: 'stopped' } });
    directory.forgetDeployment(id);
    await eventually(() => settled.length === 3);
    for (const { outcome } of settled) expect(outcome).toMatchObject({ status: 503, code: 'deployment_not_running' });
  });

  it('lets go of a waiter without answering it, and asks again with the latest deadline', async () => {
    const directory = new CountingDirectory(t.db, { ttlMs: 60_000, negativeTtlMs: 1_000, maxEntries: 100, secrets: testSecrets });
    const id = await sleepingDeployment();
    const { list, settled } = await waiters(directory, id, 2);
    let emptied = false;
    const wakes: number[] = [];
    const watch = new DeploymentWatch(id, { directory, ejections: new UpstreamEjections(5_000), requestWake: (_, until) => wakes.push(until), onRead: () => undefined, pollMs: 3_600_000, rewakeMs: 20 }, () => (emptied = true));
    list.forEach((waiter) => watch.add(waiter));
    await eventually(() => wakes.length >= 2);
    expect(wakes.at(-1)).toBe(list[1]?.deadline);
    watch.remove(list[0]!);
    watch.remove(list[1]!);
    expect(emptied).toBe(true);
    expect(settled).toEqual([]);
  });
});
