import { freePort } from '@gguf/local-services';
import { publishDeploymentChanged, readActivity, wakeWanted } from '@gguf/redis';
import { startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { setServer } from './test/servers';
import { sleepingDeployments } from './test/sleeping-deployment';

/**
 * docs/gateway.md, "Failover": a request whose upstream fails before sending anything is tried again once, held
 * while the deployment comes back (the test plays the worker: it updates the row and announces the change), and a
 * failure that lasts past the deployment's wake timeout is answered. GETs to a sleeping deployment neither wake it nor count as activity.
 */
let h: Harness;

beforeAll(async () => {
  // An ejected upstream stays out until its deployment is ready again, however slow the machine.
  h = await startHarness({ GATEWAY_WAKE_COMMENT_INTERVAL_MS: '50', GATEWAY_UPSTREAM_EJECT_MS: '600000' });
});
afterAll(() => h?.close());

const metrics = () => h.gateway.context.metrics;
/** A counter's total, or one reason's for the retries. */
const counted = async (counter: 'upstreamRetries' | 'upstreamEjections', labels: { reason?: string } = {}) =>
  (await metrics()[counter].get()).values.filter((v) => labels.reason === undefined || (v.labels as { reason?: string }).reason === labels.reason).reduce((sum, v) => sum + v.value, 0);
const held = (id: string) => h.gateway.context.held.heldFor(id);

const chat = (id: string, content: string, stream = false) =>
  fetch(`${h.deploymentUrl(id)}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) }),
  });

/** A deployment that has served (its one server is ready), running on `upstreamUrl`. */
async function servedDeployment(upstreamUrl: string, wakeTimeoutS = 600): Promise<string> {
  const id = await h.createDeployment(h.orgId, { upstreamUrl });
  await h.db.deployment.update({ where: { id }, data: { wakeTimeoutS } });
  return id;
}

/** What the worker writes, and announces, as the deployment's server restarts (`starting`) or is ready again on `upstreamUrl` (a new ready time). */
async function worker(id: string, status: 'running' | 'starting', upstreamUrl?: string) {
  const server = await h.db.server.findFirstOrThrow({ where: { deploymentId: id } });
  await setServer(h.db, server.id, status === 'running' ? { status: 'ready', upstreamUrl } : { status: 'starting' });
  await h.db.deployment.update({ where: { id }, data: { status } });
  await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId: id });
}

describe('an upstream that refuses the connection (its llama-server crashed)', () => {
  it('holds the request, and those that follow, until the deployment is ready again, then answers them', async () => {
    const crashing = await h.startFake();
    const port = crashing.port;
    const id = await servedDeployment(crashing.url);
    expect((await chat(id, 'before the crash')).status).toBe(200);
    await crashing.close();
    const retries = await counted('upstreamRetries', { reason: 'connect_refused' });
    const ejections = await counted('upstreamEjections');

    const plain = chat(id, 'in flight at the crash');
    const streamed = chat(id, 'streamed at the crash', true);
    await eventually(() => held(id) === 2);
    expect(await counted('upstreamRetries', { reason: 'connect_refused' })).toBe(retries + 2);
    // Both failed on the same upstream: one ejection.
    expect(await counted('upstreamEjections')).toBe(ejections + 1);
    // Its upstream ejected, a new request is held without trying it.
    const next = chat(id, 'after the crash');
    await eventually(() => held(id) === 3);
    expect(await counted('upstreamRetries')).toBe(retries + 2);
    // Counted in flight meanwhile, so the deployment does not look idle to the workers.
    await eventually(async () => (await readActivity(h.redis, [id])).get(id)?.inflight === 3);

    // The worker sees the exit and restarts the server on the same port; a request meanwhile is held too.
    await worker(id, 'starting');
    const restarting = chat(id, 'while it restarts');
    await eventually(() => held(id) === 4);
    const restarted = await h.startFake(['--port', String(port)]);
    await worker(id, 'running', restarted.url);

    for (const res of await Promise.all([plain, next, restarting])) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    }
    const stream = await streamed;
    expect(stream.status).toBe(200);
    const text = await stream.text();
    expect(text).toContain(`: waking ${id}`);
    expect(text).toContain('data: [DONE]');
    expect(restarted.stats().inferenceRequests).toBe(4);
    expect(held(id)).toBe(0);
  });

  it('keeps a request that fails again waiting, until its wake timeout, then answers it', async () => {
    const id = await servedDeployment(`http://127.0.0.1:${await freePort()}`, 1);
    const retries = await counted('upstreamRetries');
    const openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 });
    const call = openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'nobody home' }] }).catch((e: unknown) => e);
    await eventually(() => held(id) === 1);
    // Ready again by its record, still refusing: nothing reached a server, so it waits again, then gets its answer.
    await worker(id, 'running', `http://127.0.0.1:${await freePort()}`);
    const error = await call;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'deployment_waking' });
    expect(await counted('upstreamRetries')).toBe(retries + 2);
    expect(held(id)).toBe(0);
    // Ended once: nothing is left in flight.
    await eventually(async () => (await readActivity(h.redis, [id])).get(id)?.inflight === 0);
  });
});

describe('an upstream that answers 503 before sending anything (llama-server loading its model)', () => {
  it('is tried again once the deployment is ready again, and answered', async () => {
    const loading = await startFakeLlamaServer({ args: ['--api-key', h.upstreamSecret, '-a', 'fake-model'], env: { FAKE_LLAMA_LOAD_MS: '60000' } });
    try {
      const id = await servedDeployment(loading.url);
      const retries = await counted('upstreamRetries', { reason: 'status_503' });
      const res = chat(id, 'while it loads');
      await eventually(() => held(id) === 1);
      expect(await counted('upstreamRetries', { reason: 'status_503' })).toBe(retries + 1);
      // The worker's readiness probe finds a server that has loaded: a new ready time.
      await worker(id, 'running', h.fake.url);
      const answer = await res;
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { object: string }).object).toBe('chat.completion');
      expect(loading.stats().inferenceRequests).toBe(0);
    } finally {
      await loading.close();
    }
  });

  it('answers a 503 that lasts past the wake timeout, with Retry-After', async () => {
    const id = await servedDeployment(h.fake.url, 1);
    const send = () =>
      fetch(`${h.deploymentUrl(id)}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-fail-status': '503' },
        body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'always busy' }] }),
      });
    const res = send();
    await eventually(() => held(id) === 1);
    await worker(id, 'running', h.fake.url);
    const answer = await res;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).not.toBeNull();
  });
});

describe('a GET to a sleeping deployment', () => {
  it('lists its model as llama-server would, and answers health 503, without waking it or counting as activity', async () => {
    const sleepy = sleepingDeployments(h);
    const id = await sleepy.create();
    await h.db.deployment.update({ where: { id }, data: { modelFile: 'models/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf' } });
    const get = (path: string) => fetch(`${h.deploymentUrl(id)}${path}`, { headers: { authorization: `Bearer ${h.key}` } });

    const models = await get('/v1/models');
    expect(models.status).toBe(200);
    expect(await models.json()).toMatchObject({ object: 'list', data: [{ id: 'Qwen2.5-0.5B-Instruct-Q4_K_M', object: 'model', owned_by: 'llamacpp' }] });
    const listed = await new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 }).models.list();
    expect(listed.data.map((model) => model.id)).toEqual(['Qwen2.5-0.5B-Instruct-Q4_K_M']);

    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(Number(health.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await health.json()) as { error: { code: string } }).error.code).toBe('deployment_sleeping');

    expect(await wakeWanted(h.redis, id)).toBe(false);
    expect(held(id)).toBe(0);
    expect((await readActivity(h.redis, [id])).get(id)).toMatchObject({ inflight: 0, lastRequestAt: undefined });
    expect((await h.db.deployment.findUniqueOrThrow({ where: { id } })).status).toBe('sleeping');
  });

  it('is forwarded once the deployment runs, and still counts as no activity', async () => {
    const sleepy = sleepingDeployments(h);
    const id = await sleepy.create();
    await sleepy.wake(id);
    const res = await fetch(`${h.deploymentUrl(id)}/v1/models`, { headers: { authorization: `Bearer ${h.key}` } });
    expect(await res.json()).toMatchObject({ data: [{ id: 'fake-model', meta: expect.any(Object) }] });
    // Activity goes to Redis once a second: past a flush, the GET left no trace.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await readActivity(h.redis, [id])).get(id)?.lastRequestAt).toBeUndefined();
  });
});
