import { newId } from '@gguf/core';
import { CHANNELS, closeRedis, createRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, createApiHarness } from '../../../../lib/testing/api-harness';
import * as adminDeployments from '../admin/deployments/route';
import * as events from './[id]/events/route';
import * as one from './[id]/route';
import * as collection from './route';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

const body = { name: 'sleepy', model: { source: 'local', path: 'tiny/m.gguf' }, gpu: { count: 0 } };

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Scaling', max_deployments: 100 });
});
afterAll(() => h.close());

const create = (payload: unknown, auth = tenant.auth) => h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: auth, body: payload });
const patch = (id: string, payload: unknown, auth = tenant.auth) => h.call(one.PATCH, `/api/v1/deployments/${id}`, { method: 'PATCH', params: { id }, headers: auth, body: payload });

describe('scaling fields on create', () => {
  it('default to one replica always running, 15 idle minutes, a 10 minute wake and `parallel` as target concurrency', async () => {
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ replicas: { min: 1, max: 1, inflight: 0, servers: [] }, scale_down_after_s: 900, wake_timeout_s: 600, target_concurrency: null });
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row).toMatchObject({ replicasMin: 1, replicasMax: 1, scaleDownAfterS: 900, wakeTimeoutS: 600, targetConcurrency: null });
  });

  it('are stored and returned by create, get and list; a partial replicas object takes the other default', async () => {
    const res = await create({ ...body, replicas: { min: 0 }, scale_down_after_s: 60, wake_timeout_s: 3600, target_concurrency: 1024 });
    expect(res.status).toBe(201);
    const expected = { replicas: { min: 0, max: 1 }, scale_down_after_s: 60, wake_timeout_s: 3600, target_concurrency: 1024 };
    expect(res.json).toMatchObject(expected);
    const id = res.json.id as string;
    expect((await h.call(one.GET, '', { params: { id }, headers: tenant.auth })).json).toMatchObject(expected);
    const listed = (await h.call(collection.GET, '', { headers: tenant.auth })).json.data.find((d: { id: string }) => d.id === id);
    expect(listed).toMatchObject(expected);
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: id, action: 'deployment.create' } });
    expect(audit.details).toMatchObject(expected);
  });

  it.each([
    [{ min: 1, max: 3 }, 'kept running, up to 3 with the load'],
    [{ min: 0, max: 2 }, 'asleep when idle, up to 2 with the load'],
    [{ min: 16, max: 16 }, 'the most a deployment may run'],
  ])('take replicas %j (%s), returned by create, get and list and stored as sent', async (replicas) => {
    const res = await create({ ...body, name: 'replicated', replicas });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ replicas: { ...replicas, servers: [] }, generation: 1 });
    const id = res.json.id as string;
    expect((await h.call(one.GET, '', { params: { id }, headers: tenant.auth })).json.replicas).toMatchObject(replicas);
    const listed = (await h.call(collection.GET, '', { headers: tenant.auth })).json.data.find((d: { id: string }) => d.id === id);
    expect(listed.replicas).toMatchObject(replicas);
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ replicasMin: replicas.min, replicasMax: replicas.max });
  });

  it.each([
    [{ replicas: { max: 17 } }, 'replicas.max', /at most 16/],
    [{ replicas: { min: 0, max: 1000 } }, 'replicas.max', /at most 16/],
    [{ replicas: { max: 0 } }, 'replicas.max', /at least 1/],
    [{ replicas: { max: 2.5 } }, 'replicas.max', /whole number/],
    [{ replicas: { min: 17, max: 16 } }, 'replicas.min', /at most 16/],
    [{ replicas: { min: 3, max: 2 } }, 'replicas.min', /at most replicas.max/],
    [{ replicas: { min: 2 } }, 'replicas.min', /at most replicas.max/],
    [{ replicas: { min: -1 } }, 'replicas.min', /at least 0/],
    [{ replicas: { min: 0.5 } }, 'replicas.min', /whole number/],
    [{ replicas: { min: '0' } }, 'replicas.min', /must be a number/],
    [{ replicas: { min: null } }, 'replicas.min', /must be a number/],
    [{ replicas: { min: 0, max: 1, target: 3 } }, 'replicas', /Unrecognized key.*target/],
    [{ replicas: 1 }, 'replicas', /object/],
    [{ replicas: { 'm\u0000in': 0 } }, 'replicas', /Unrecognized key/],
    [{ scale_down_after_s: 59 }, 'scale_down_after_s', /at least 60/],
    [{ scale_down_after_s: 86_401 }, 'scale_down_after_s', /at most 86400/],
    [{ scale_down_after_s: 90.5 }, 'scale_down_after_s', /whole number/],
    [{ scale_down_after_s: '900' }, 'scale_down_after_s', /must be a number/],
    [{ scale_down_after_s: '9\u000000' }, 'scale_down_after_s', /must be a number/],
    [{ scale_down_after_s: 1e300 }, 'scale_down_after_s', /whole number|at most 86400/],
    [{ wake_timeout_s: 9 }, 'wake_timeout_s', /at least 10/],
    [{ wake_timeout_s: 3601 }, 'wake_timeout_s', /at most 3600/],
    [{ wake_timeout_s: true }, 'wake_timeout_s', /must be a number/],
    [{ wake_timeout_s: [600] }, 'wake_timeout_s', /must be a number/],
    [{ target_concurrency: 0 }, 'target_concurrency', /at least 1/],
    [{ target_concurrency: 1025 }, 'target_concurrency', /at most 1024/],
    [{ target_concurrency: 2.5 }, 'target_concurrency', /whole number/],
    [{ target_concurrency: '4' }, 'target_concurrency', /must be a number/],
    [{ target_concurrency: 2 ** 53 }, 'target_concurrency', /whole number|at most 1024/],
    [{ replicas: { min: 1, max: 1, target_concurrency: 4 } }, 'replicas', /Unrecognized key.*target_concurrency/],
  ])('refuses %j with 400 naming the field', async (fields, param, message) => {
    const res = await create({ ...body, name: 'refused', ...fields });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request', param });
    expect(res.json.error.message).toContain(`'${param}'`);
    expect(res.json.error.message).toMatch(message);
  });

  it('refuses NUL bytes in the JSON text itself without a 5xx', async () => {
    const res = await create(`{"name":"nul","model":{"source":"local","path":"tiny/m.gguf"},"gpu":{"count":0},"wake_timeout_s":"\\u0000"}`);
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('wake_timeout_s');
    expect(await h.db.deployment.count({ where: { orgId: tenant.orgId, name: 'refused' } })).toBe(0);
  });
});

describe('scaling fields on PATCH', () => {
  it('change without a new generation, record an event and an audit row, tell the worker at the same generation and notify the gateways', async () => {
    const id = (await create({ ...body, name: 'rescale' })).json.id as string;
    // The create's sync job would absorb a duplicate id: take it away, as a worker finishing it would.
    await (await h.queue.getJob(`sync-${id}-g1-running`))?.remove();
    const subscriber = createRedis(testEnv('redisUrl'), 'test-scaling-sub');
    const messages: string[] = [];
    subscriber.on('message', (_channel, message) => messages.push(message));
    await subscriber.subscribe(CHANNELS.deployments);

    const res = await patch(id, { replicas: { min: 0 }, scale_down_after_s: 300, wake_timeout_s: 120, target_concurrency: 6 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ replicas: { min: 0, max: 1 }, scale_down_after_s: 300, wake_timeout_s: 120, target_concurrency: 6, generation: 1 });
    expect(await h.jobsFor(id)).toEqual([{ id: `sync-${id}-g1-running`, deploymentId: id, generation: 1, desiredState: 'running', reason: 'scaling changed' }]);
    await expect.poll(() => messages.map((m) => JSON.parse(m))).toContainEqual({ kind: 'updated', deploymentId: id });
    await closeRedis(subscriber);

    const timeline = await h.call(events.GET, '', { params: { id }, headers: tenant.auth, query: { limit: '1' } });
    expect(timeline.json.data[0]).toMatchObject({
      message: 'Scaling changed (replicas, scale_down_after_s, wake_timeout_s, target_concurrency)',
      data: { replicas: { min: 0, max: 1 }, scale_down_after_s: 300, wake_timeout_s: 120, target_concurrency: 6 },
    });
    const audit = await h.db.auditLog.findFirstOrThrow({ where: { targetId: id, action: 'deployment.update' } });
    expect(audit.details).toMatchObject({ changed: ['replicas', 'scale_down_after_s', 'wake_timeout_s', 'target_concurrency'], generation: 1, target_concurrency: 6 });

    // Back to always on: one bound named, the other kept; still no new generation.
    const back = await patch(id, { replicas: { min: 1 } });
    expect(back.json).toMatchObject({ replicas: { min: 1, max: 1 }, scale_down_after_s: 300, target_concurrency: 6, generation: 1 });
    // null goes back to `parallel`, also without a new generation.
    const unset = await patch(id, { target_concurrency: null });
    expect(unset.json).toMatchObject({ target_concurrency: null, generation: 1 });
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ targetConcurrency: null, generation: 1 });
  });

  it('with a settings change in the same PATCH redeploys once, with the new scaling', async () => {
    const id = (await create({ ...body, name: 'both' })).json.id as string;
    const res = await patch(id, { context_size: 8192, wake_timeout_s: 30 });
    expect(res.json).toMatchObject({ context_size: 8192, wake_timeout_s: 30, generation: 2 });
    expect((await h.jobsFor(id)).map((j) => j.id)).toContain(`sync-${id}-g2-running`);
  });

  it('raise replicas.max to 4 without a new generation, and lower it back', async () => {
    const id = (await create({ ...body, name: 'grow' })).json.id as string;
    await (await h.queue.getJob(`sync-${id}-g1-running`))?.remove();
    const res = await patch(id, { replicas: { max: 4 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ replicas: { min: 1, max: 4 }, generation: 1 });
    expect(await h.jobsFor(id)).toEqual([{ id: `sync-${id}-g1-running`, deploymentId: id, generation: 1, desiredState: 'running', reason: 'scaling changed' }]);
    const timeline = await h.call(events.GET, '', { params: { id }, headers: tenant.auth, query: { limit: '1' } });
    expect(timeline.json.data[0]).toMatchObject({ message: 'Scaling changed (replicas)', data: { replicas: { min: 1, max: 4 } } });
    // Merged with the saved bounds: a minimum up to the new maximum is in order, past it is not.
    expect((await patch(id, { replicas: { min: 4 } })).json).toMatchObject({ replicas: { min: 4, max: 4 }, generation: 1 });
    const past = await patch(id, { replicas: { max: 3 } });
    expect(past.status).toBe(400);
    expect(past.json.error).toMatchObject({ type: 'invalid_request', param: 'replicas.min', message: "Invalid 'replicas.min': must be at most replicas.max (3)" });
    expect((await patch(id, { replicas: { min: 0, max: 1 } })).json).toMatchObject({ replicas: { min: 0, max: 1 }, generation: 1 });
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ replicasMin: 0, replicasMax: 1, generation: 1 });
  });

  it.each([
    [{ replicas: { max: 17 } }, 'replicas.max', /at most 16/],
    [{ replicas: { min: 2 } }, 'replicas.min', /at most replicas.max \(1\)/],
    [{ replicas: { min: 3, max: 2 } }, 'replicas.min', /at most replicas.max/],
    [{ replicas: { min: 0, max: 1, extra: 1 } }, 'replicas', /Unrecognized key/],
    [{ replicas: {} }, null, null],
    [{ scale_down_after_s: 0 }, 'scale_down_after_s', /at least 60/],
    [{ wake_timeout_s: 'soon' }, 'wake_timeout_s', /must be a number/],
    [{ wake_timeout_s: 2 ** 40 }, 'wake_timeout_s', /at most 3600/],
    [{ target_concurrency: -1 }, 'target_concurrency', /at least 1/],
    [{ target_concurrency: { value: 4 } }, 'target_concurrency', /must be a number/],
  ])('refuses %j and changes nothing', async (fields, param, message) => {
    const id = (await create({ ...body, name: 'unchanged' })).json.id as string;
    const res = await patch(id, fields);
    if (param === null) {
      // An empty replicas object is a valid no-op change: nothing moves.
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request', param });
      expect(res.json.error.message).toMatch(message!);
    }
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ replicasMin: 1, replicasMax: 1, scaleDownAfterS: 900, wakeTimeoutS: 600, targetConcurrency: null, generation: 1 });
  });

  it("answers 404 for another organization's deployment, exactly as for a missing one, and leaves it alone", async () => {
    const id = (await create({ ...body, name: 'theirs' })).json.id as string;
    const stranger = await h.createTenant({ name: 'Stranger' });
    const foreign = await patch(id, { replicas: { min: 0 } }, stranger.auth);
    const missingId = newId('deployment');
    const missing = await patch(missingId, { replicas: { min: 0 } }, stranger.auth);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.json.error.type).toBe(missing.json.error.type);
    expect(foreign.json.error.message.replace(id, 'ID')).toBe(missing.json.error.message.replace(missingId, 'ID'));
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ replicasMin: 1 });
  });
});

describe('a sleeping deployment', () => {
  it('is an ordinary status in get, list and the admin status filter', async () => {
    const id = (await create({ ...body, name: 'asleep', replicas: { min: 0 } })).json.id as string;
    await h.db.deployment.update({ where: { id }, data: { status: 'sleeping', statusMessage: 'Asleep after 15 minutes without requests' } });
    expect((await h.call(one.GET, '', { params: { id }, headers: tenant.auth })).json).toMatchObject({ status: 'sleeping', desired_state: 'running' });
    const listed = (await h.call(collection.GET, '', { headers: tenant.auth })).json.data.find((d: { id: string }) => d.id === id);
    expect(listed).toMatchObject({ status: 'sleeping' });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const asleep = await h.call(adminDeployments.GET, '', { headers: admin, query: { org_id: tenant.orgId, status: 'sleeping' } });
    expect(asleep.status).toBe(200);
    expect(asleep.json.data.map((d: { id: string }) => d.id)).toEqual([id]);
    expect(asleep.json.data[0]).toMatchObject({ status: 'sleeping', replicas: { min: 0, max: 1 }, org_id: tenant.orgId });
  });
});

describe('quotas', () => {
  it('count every replica a deployment may run: its GPUs times replicas.max', async () => {
    const small = await h.createTenant({ name: 'Two GPUs', max_gpus: 2 });
    const first = await create({ ...body, name: 'gpu-a', gpu: { count: 1 }, replicas: { min: 1, max: 2 } }, small.auth);
    expect(first.status).toBe(201);
    const second = await create({ ...body, name: 'gpu-b', gpu: { count: 1 } }, small.auth);
    expect(second.status).toBe(409);
    expect(second.json.error).toMatchObject({ type: 'conflict', param: 'gpu.count' });
    expect(second.json.error.message).toMatch(/max_gpus \(2\).*3 GPUs.*gpu\.count × replicas\.max/);
    // On CPU only, replicas count no GPUs.
    expect((await create({ ...body, name: 'cpu', gpu: { count: 0 }, replicas: { min: 1, max: 16 } }, small.auth)).status).toBe(201);
  });

  it('refuse a create whose GPUs × replicas.max exceed the quota, and nothing is saved', async () => {
    const small = await h.createTenant({ name: 'Four GPUs', max_gpus: 4 });
    const res = await create({ ...body, name: 'too-wide', gpu: { count: 2 }, replicas: { min: 1, max: 3 } }, small.auth);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ type: 'conflict' });
    expect(res.json.error.message).toMatch(/max_gpus \(4\).*6 GPUs/);
    expect(await h.db.deployment.count({ where: { orgId: small.orgId } })).toBe(0);
    expect((await create({ ...body, name: 'fits', gpu: { count: 2 }, replicas: { min: 1, max: 2 } }, small.auth)).status).toBe(201);
  });

  it('refuse raising replicas.max past the quota on that field, and always allow lowering it', async () => {
    const small = await h.createTenant({ name: 'Three GPUs', max_gpus: 3 });
    const id = (await create({ ...body, name: 'resize', gpu: { count: 1 }, replicas: { min: 1, max: 2 } }, small.auth)).json.id as string;
    expect((await patch(id, { replicas: { max: 3 } }, small.auth)).json).toMatchObject({ replicas: { max: 3 }, generation: 1 });
    const past = await patch(id, { replicas: { max: 4 } }, small.auth);
    expect(past.status).toBe(409);
    expect(past.json.error).toMatchObject({ type: 'conflict', param: 'replicas.max' });
    expect(past.json.error.message).toMatch(/max_gpus \(3\).*4 GPUs/);
    // More GPUs per server is refused on its own field.
    const wider = await patch(id, { gpu: { count: 2 } }, small.auth);
    expect(wider.status).toBe(409);
    expect(wider.json.error).toMatchObject({ type: 'conflict', param: 'gpu.count' });
    expect(await h.db.deployment.findUniqueOrThrow({ where: { id } })).toMatchObject({ gpuCount: 1, replicasMax: 3, generation: 1 });
    // An administrator lowers the quota under what it holds: lowering replicas.max is still allowed.
    await h.db.organization.update({ where: { id: small.orgId }, data: { maxGpus: 1 } });
    expect((await patch(id, { replicas: { max: 2 } }, small.auth)).status).toBe(200);
    expect((await patch(id, { replicas: { max: 1 } }, small.auth)).json).toMatchObject({ replicas: { min: 1, max: 1 }, generation: 1 });
  });
});
