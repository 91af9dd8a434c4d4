import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, GATEWAY_URL } from '../../../../lib/testing/api-harness';
import * as events from './[id]/events/route';
import * as logs from './[id]/logs/route';
import * as restart from './[id]/restart/route';
import * as one from './[id]/route';
import * as start from './[id]/start/route';
import * as stop from './[id]/stop/route';
import * as collection from './route';
import { appendDeploymentLogs, CHANNELS, createRedis, closeRedis } from '@gguf/redis';
import { testEnv } from '@gguf/testkit';
import { SECRET_COLUMNS, secretLocation } from '@gguf/core';

let h: ApiHarness;
let tenant: Awaited<ReturnType<ApiHarness['createTenant']>>;

const body = {
  name: 'qwen',
  model: { source: 'huggingface', repo: 'unsloth/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q4_K_M.gguf' },
  gpu: { count: 1, type: 'NVIDIA L4' },
  context_size: 8192,
  llama_args: { flash_attn: 'on', cache_type_k: 'q8_0', n_gpu_layers: 99 },
};

beforeAll(async () => {
  h = await createApiHarness();
  tenant = await h.createTenant({ name: 'Acme' });
});
afterAll(() => h.close());

const create = (payload: unknown = body, headers: Record<string, string> = {}) =>
  h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: { ...tenant.auth, ...headers }, body: payload });

describe('POST /api/v1/deployments', () => {
  it('creates a pending deployment, queues it for the worker and answers 201 with its URLs', async () => {
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const d = res.json;
    expect(d).toMatchObject({
      name: 'qwen',
      status: 'pending',
      desired_state: 'running',
      status_message: '',
      model: body.model,
      gpu: { count: 1, type: 'NVIDIA L4' },
      context_size: 8192,
      parallel: 1,
      embeddings: false,
      llama_args: body.llama_args,
      generation: 1,
      base_url: `${GATEWAY_URL}/api/gguf/${d.id}`,
      openai_base_url: `${GATEWAY_URL}/api/gguf/${d.id}/v1`,
    });
    expect(d.id).toMatch(/^dep_/);
    expect(await h.jobsFor(d.id)).toEqual([{ id: `sync-${d.id}-g1-running`, deploymentId: d.id, generation: 1, desiredState: 'running', reason: 'created' }]);
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id: d.id } });
    // Stored sealed, bound to this row; only the gateway and the worker open it.
    expect(row.upstreamSecret).toMatch(/^gse1\./);
    const upstreamSecret = h.context.deps.secrets.open(row.upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, d.id));
    expect(upstreamSecret).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(d)).not.toContain(upstreamSecret);
    const audit = await h.db.auditLog.findMany({ where: { targetId: d.id } });
    expect(audit).toMatchObject([{ action: 'deployment.create', actorType: 'api_key', actorId: tenant.apiKeyId, orgId: tenant.orgId, requestId: res.headers.get('x-request-id') }]);
  });

  it('accepts CPU-only, url and local models with defaults', async () => {
    const url = await create({ name: 'cpu', model: { source: 'url', url: 'https://example.com/m/tiny.gguf' }, gpu: { count: 0 } });
    expect(url.status).toBe(201);
    expect(url.json).toMatchObject({ gpu: { count: 0, type: null }, context_size: 4096, llama_args: {} });
    const local = await create({ name: 'local', model: { source: 'local', path: 'tiny/m.gguf' }, gpu: { count: 0 } });
    expect(local.json.model).toEqual({ source: 'local', path: 'tiny/m.gguf' });
  });

  it.each([
    [{ ...body, name: '' }, 'name', /name.*must not be empty/],
    [{ ...body, name: undefined }, 'name', /name/],
    [{ ...body, model: { source: 's3', path: 'x' } }, 'model.source', /source must be one of/],
    [{ ...body, model: { source: 'huggingface', repo: 'nope', file: 'a.gguf' } }, 'model.repo', /Hugging Face repository/],
    [{ ...body, model: { source: 'url', url: 'http://example.com/a.gguf' } }, 'model.url', /https:\/\//],
    [{ ...body, model: { source: 'local', path: '../../etc/x.gguf' } }, 'model.path', /inside the nodes' model library/],
    [{ ...body, gpu: { count: -1 } }, 'gpu.count', /at least 0/],
    [{ ...body, gpu: { count: 1.5 } }, 'gpu.count', /whole number/],
    [{ ...body, context_size: 10 }, 'context_size', /at least 256/],
    [{ ...body, parallel: 0 }, 'parallel', /at least 1/],
    [{ ...body, embeddings: 'yes' }, 'embeddings', /boolean/],
    [{ ...body, llama_args: { host: '0.0.0.0' } }, 'llama_args', /Unrecognized key.*host/],
    [{ ...body, llama_args: { n_gpu_layers: 5000 } }, 'llama_args.n_gpu_layers', /at most 999/],
    [{ ...body, command: 'rm -rf /' }, '', /Unrecognized key.*command/],
  ])('refuses %j naming the field', async (payload, param, message) => {
    const res = await create(payload);
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request');
    expect(res.json.error.message).toMatch(message);
    if (param) expect(res.json.error.param).toBe(param);
    expect(res.json.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('answers 400 to malformed JSON, a non-object body and a wrong content type', async () => {
    for (const [payload, headers] of [
      ['{"name": ', {}],
      ['', {}],
      ['{"name":"x"}', { 'content-type': 'text/plain' }],
    ] as const) {
      const res = await create(payload, headers);
      expect(res.status).toBe(400);
      expect(Object.keys(res.json)).toEqual(['error']);
      expect(res.text).not.toMatch(/at .*\.ts|stack/i);
    }
    const array = await create('[1,2]');
    expect(array.status).toBe(400);
  });

  it('answers 413 to a body over 1 MB', async () => {
    const res = await create({ ...body, name: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.json.error.type).toBe('payload_too_large');
  });

  it('returns the first result for a retried POST with the same Idempotency-Key', async () => {
    const key = 'retry-1';
    const first = await create({ ...body, name: 'idem' }, { 'idempotency-key': key });
    const again = await create({ ...body, name: 'idem' }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(await h.db.deployment.count({ where: { name: 'idem' } })).toBe(1);
    const other = await create({ ...body, name: 'different' }, { 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.json.error).toMatchObject({ type: 'conflict', param: 'Idempotency-Key' });
  });

  it('creates once when the same key races', async () => {
    const results = await Promise.all([1, 2, 3].map(() => create({ ...body, name: 'race' }, { 'idempotency-key': 'race-1' })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(await h.db.deployment.count({ where: { name: 'race' } })).toBe(1);
  });
});

describe('a deployment', () => {
  /** An organization of its own with one new deployment: each test stands alone. */
  const fresh = async (name: string) => {
    const owner = await h.createTenant({ name: `Owner of ${name}` });
    const res = await h.call(collection.POST, '/api/v1/deployments', { method: 'POST', headers: owner.auth, body: { ...body, name } });
    const id = res.json.id as string;
    return { id, auth: owner.auth, params: () => ({ params: { id }, headers: owner.auth }) };
  };

  it('is listed and fetched', async () => {
    const { id, auth, params } = await fresh('lifecycle');
    const got = await h.call(one.GET, `/api/v1/deployments/${id}`, params());
    expect(got.status).toBe(200);
    expect(got.json.name).toBe('lifecycle');
    const list = await h.call(collection.GET, '/api/v1/deployments', { headers: auth });
    expect(list.json.data.map((d: { id: string }) => d.id)).toEqual([id]);
  });

  it('paginates newest first with a cursor', async () => {
    await Promise.all(['page-a', 'page-b', 'page-c'].map((name) => create({ ...body, name, gpu: { count: 0 } })));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof h.call>> = await h.call(collection.GET, '/api/v1/deployments', { headers: tenant.auth, query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.data.map((d: { id: string }) => d.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toHaveLength(await h.db.deployment.count({ where: { orgId: tenant.orgId } }));
    const bad = await h.call(collection.GET, '/api/v1/deployments', { headers: tenant.auth, query: { limit: '1000' } });
    expect(bad.json.error).toMatchObject({ param: 'limit', message: "Invalid 'limit' (query parameter): must be at most 100" });
  });

  it('renames without a redeploy, and redeploys on a settings change', async () => {
    const { id, params } = await fresh('to-rename');
    const renamed = await h.call(one.PATCH, '', { ...params(), method: 'PATCH', body: { name: 'renamed' } });
    expect(renamed.json).toMatchObject({ name: 'renamed', generation: 1 });
    const changed = await h.call(one.PATCH, '', { ...params(), method: 'PATCH', body: { context_size: 16384 } });
    expect(changed.json).toMatchObject({ context_size: 16384, generation: 2 });
    expect((await h.jobsFor(id)).map((j) => j.id)).toContain(`sync-${id}-g2-running`);
    const empty = await h.call(one.PATCH, '', { ...params(), method: 'PATCH', body: {} });
    expect(empty.status).toBe(400);
  });

  it('stops, starts and restarts by desired state and generation, with timeline events and audit rows', async () => {
    const { id, params } = await fresh('to-cycle');
    const stopped = await h.call(stop.POST, '', { ...params(), method: 'POST' });
    expect(stopped.json).toMatchObject({ desired_state: 'stopped', generation: 1 });
    const started = await h.call(start.POST, '', { ...params(), method: 'POST' });
    expect(started.json).toMatchObject({ desired_state: 'running', generation: 1 });
    const restarted = await h.call(restart.POST, '', { ...params(), method: 'POST' });
    expect(restarted.json).toMatchObject({ desired_state: 'running', generation: 2 });
    expect((await h.jobsFor(id)).map((j) => j.id)).toEqual(expect.arrayContaining([`sync-${id}-g1-stopped`, `sync-${id}-g2-running`]));
    const timeline = await h.call(events.GET, '', { ...params(), query: { limit: '3' } });
    expect(timeline.json.data.map((e: { message: string }) => e.message)).toEqual(['Restart requested', 'Start requested', 'Stop requested']);
    expect(timeline.json.next_cursor).toMatch(/^\d+$/);
    const older = await h.call(events.GET, '', { ...params(), query: { cursor: timeline.json.next_cursor } });
    expect(older.json.data.at(-1).message).toBe('Deployment created');
    const actions = (await h.db.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['deployment.create', 'deployment.stop', 'deployment.start', 'deployment.restart']);
  });

  it('restarts once for a retried POST with the same Idempotency-Key', async () => {
    const other = (await create({ ...body, name: 'idem-restart' })).json.id as string;
    const call = (headers: Record<string, string> = {}) =>
      h.call(restart.POST, `/api/v1/deployments/${other}/restart`, { params: { id: other }, method: 'POST', headers: { ...tenant.auth, ...headers } });
    const first = await call({ 'idempotency-key': 'restart-1' });
    const again = await call({ 'idempotency-key': 'restart-1' });
    expect(first.json).toMatchObject({ generation: 2 });
    expect(again.json).toEqual(first.json);
    expect(await h.db.auditLog.count({ where: { targetId: other, action: 'deployment.restart' } })).toBe(1);
    expect((await call()).json).toMatchObject({ generation: 3 });
  });

  it('starts a failed deployment as a fresh attempt with a new generation', async () => {
    const { id, params } = await fresh('to-retry');
    await h.db.deployment.update({ where: { id }, data: { status: 'failed', statusMessage: 'out of memory' } });
    const res = await h.call(start.POST, '', { ...params(), method: 'POST' });
    expect(res.json).toMatchObject({ status: 'failed', desired_state: 'running', generation: 2 });
    expect((await h.jobsFor(id)).map((j) => j.id)).toContain(`sync-${id}-g2-running`);
  });

  it('serves the captured llama-server log tail', async () => {
    const { id, params } = await fresh('with-logs');
    await appendDeploymentLogs(h.redis, id, ['main: loading model', 'server is listening', 'slot 0 ready']);
    const res = await h.call(logs.GET, '', { ...params(), query: { tail: '2' } });
    expect(res.json).toEqual({ data: ['server is listening', 'slot 0 ready'] });
    expect((await h.call(logs.GET, '', { ...params(), query: { tail: 'many' } })).json.error.param).toBe('tail');
  });

  it('is deleted: gone from the API at once, the worker told, the gateways notified', async () => {
    const { id, params } = await fresh('to-delete');
    const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
    await subscriber.subscribe(CHANNELS.deployments);
    const messages: string[] = [];
    subscriber.on('message', (_channel, message) => messages.push(message));
    const res = await h.call(one.DELETE, '', { ...params(), method: 'DELETE' });
    expect(res.json).toEqual({ id, deleted: true });
    expect((await h.call(one.GET, '', params())).status).toBe(404);
    expect((await h.call(one.DELETE, '', { ...params(), method: 'DELETE' })).status).toBe(404);
    expect((await h.jobsFor(id)).map((j) => j.id)).toContain(`sync-${id}-g1-deleted`);
    const row = await h.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ desiredState: 'deleted', deletedAt: null });
    await expect.poll(() => messages.map((m) => JSON.parse(m))).toContainEqual({ kind: 'deleted', deploymentId: id });
    await closeRedis(subscriber);
  });
});

describe('quotas', () => {
  it('refuses a deployment or GPUs past the organization limits with 409 naming the limit', async () => {
    const small = await h.createTenant({ name: 'Small', max_deployments: 2, max_gpus: 3 });
    const post = (payload: unknown) => h.call(collection.POST, '', { method: 'POST', headers: small.auth, body: payload });
    expect((await post({ ...body, gpu: { count: 2 } })).status).toBe(201);
    const gpus = await post({ ...body, gpu: { count: 2 } });
    expect(gpus.status).toBe(409);
    expect(gpus.json.error.message).toMatch(/max_gpus \(3\)/);
    const second = await post({ ...body, gpu: { count: 1 } });
    expect(second.status).toBe(201);
    const third = await post({ ...body, gpu: { count: 0 } });
    expect(third.status).toBe(409);
    expect(third.json.error.message).toMatch(/max_deployments \(2\)/);
    const resize = await h.call(one.PATCH, '', { method: 'PATCH', headers: small.auth, params: { id: second.json.id }, body: { gpu: { count: 2 } } });
    expect(resize.status).toBe(409);
    expect(resize.json.error.message).toMatch(/max_gpus \(3\)/);
    // A deleted deployment frees its slot and GPUs.
    await h.call(one.DELETE, '', { method: 'DELETE', headers: small.auth, params: { id: second.json.id } });
    expect((await post({ ...body, gpu: { count: 1 } })).status).toBe(201);
  });

  it('holds under concurrent creates: the organization row lock lets exactly the allowed number through', async () => {
    const one = await h.createTenant({ name: 'One slot', max_deployments: 1 });
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => h.call(collection.POST, '', { method: 'POST', headers: one.auth, body: { ...body, gpu: { count: 0 } } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await h.db.deployment.count({ where: { orgId: one.orgId } })).toBe(1);
    // Refused creates left nothing behind: no row and no audit entry.
    expect(await h.db.auditLog.count({ where: { orgId: one.orgId, action: 'deployment.create' } })).toBe(1);
  });
});
