import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../gateway/src/test/gateway-process';
import type { WorkerHandle } from '../src/worker';
import { Api, createApiKey, createDeployment, createOrg, describeDeployment, nodeSettings, putLibraryModel, startTestGateway, startTestWorker, testModelStore, testServerUser, testRedisUrl, traversable, waitFor, waitForStatus } from './helpers';

/**
 * Scale to zero end to end: a worker on the process runtime (the fake llama-server, which takes a
 * while to load its model) and a real gateway process, called with the official SDKs. An idle
 * deployment falls asleep and frees its GPU; requests to it are held while it wakes and answered.
 */
let t: TestDatabase;
let root: string;
let api: Api;
let worker: WorkerHandle;
let gateway: GatewayProcess;
let orgId: string;
let key: string;
const GPU = 'Wake GPU';

beforeAll(async () => {
  t = await createTestDatabase();
  const redisUrl = await testRedisUrl(14);
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-scale-to-zero-')));
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  const modelsDir = join(root, 'models');
  await putLibraryModel(modelsDir);
  api = new Api(t.db, redisUrl);
  orgId = await createOrg(t.db);
  key = await createApiKey(t.db, orgId);
  const stateDir = join(root, 'state');
  worker = await startTestWorker({
    db: t.db,
    redisUrl,
    node: nodeSettings({ name: 'wake-node', cpuSlots: 0, gpus: [{ index: 0, type: GPU, memoryMb: 1000 }] }),
    models: await testModelStore(modelsDir, stateDir),
    // Loading takes a second and a half, so requests really wait.
    runtime: (nodeId) => new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '1500' }, serverUser: testServerUser }),
  });
  gateway = await startTestGateway(t.url, redisUrl, { GATEWAY_WAKE_COMMENT_INTERVAL_MS: '500' });
}, 120_000);

afterAll(async () => {
  gateway?.child.kill('SIGTERM');
  await worker?.stop();
  for (const s of (await worker?.runtime.list().catch(() => [])) ?? []) await worker.runtime.remove(s.handle).catch(() => undefined);
  await api?.close();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

const asleep = (id: string) =>
  waitFor(
    `${id} to fall asleep and free its GPU`,
    async () => {
      const row = await t.db.deployment.findUniqueOrThrow({ where: { id }, include: { servers: true } });
      const gpus = await t.db.gpuAllocation.count({ where: { server: { deploymentId: id } } });
      return row.status === 'sleeping' && row.servers.length === 0 && gpus === 0 ? row : undefined;
    },
    30_000,
    () => describeDeployment(t.db, id),
  );

describe('scale to zero end to end', () => {
  it('holds 20 concurrent requests while an idle deployment wakes, answers them all, and sleeps again after its own idle time', { timeout: 120_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { replicasMin: 0, scaleDownAfterS: 1, gpuCount: 1, gpuType: GPU, modelName: 'sleepy-model' });
    await api.sync(row.id);
    await waitForStatus(t.db, row.id, 'running', 30_000);
    await asleep(row.id);

    const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/api/gguf/${row.id}/v1`, maxRetries: 0 });
    const orgEndpoint = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/api/llm/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: key, baseURL: `${gateway.url}/api/gguf/${row.id}`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    const streamed = async (client: OpenAI, model: string) => {
      let text = '';
      for await (const chunk of await client.chat.completions.create({ model, messages, stream: true, max_tokens: 8 })) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const calls = Array.from({ length: 20 }, (_, i) => {
      if (i % 4 === 0) return openai.chat.completions.create({ model: 'any', messages, max_tokens: 8 }).then((r) => r.choices[0]!.message.content ?? '');
      if (i % 4 === 1) return streamed(openai, 'any');
      if (i % 4 === 2) return streamed(orgEndpoint, 'sleepy-model');
      return anthropic.messages.stream({ model: 'any', max_tokens: 8, messages }).finalText();
    });
    const answers = await Promise.all(calls);
    expect(answers.every((text) => text.length > 0)).toBe(true);

    // It woke through pending, and the gateway's activity (its last request) is what it sleeps on next.
    const path = (await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status' }, orderBy: { createdAt: 'asc' } })).map((e) => e.toStatus);
    expect(path.slice(path.indexOf('sleeping'), path.indexOf('sleeping') + 2)).toEqual(['sleeping', 'pending']);
    await asleep(row.id);
    const second = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: row.id, toStatus: 'sleeping' }, orderBy: { createdAt: 'desc' } });
    expect((second.data as { lastRequestAt: string | null }).lastRequestAt).not.toBeNull();
  });

  it('answers 503 with Retry-After when the deployment does not wake within its wake_timeout_s (no GPU free), and a stream raises the error', { timeout: 90_000 }, async () => {
    const row = await createDeployment(t.db, orgId, { replicasMin: 0, scaleDownAfterS: 1, wakeTimeoutS: 2, gpuCount: 1, gpuType: GPU });
    await api.sync(row.id);
    await waitForStatus(t.db, row.id, 'running', 30_000);
    await asleep(row.id);
    // Another deployment takes the only GPU meanwhile.
    const hog = await createDeployment(t.db, orgId, { gpuCount: 1, gpuType: GPU });
    await api.sync(hog.id);
    await waitForStatus(t.db, hog.id, 'running', 30_000);

    const raw = await fetch(`${gateway.url}/api/gguf/${row.id}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(raw.status).toBe(503);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('deployment_waking');
    // It says why it has not woken.
    expect((await t.db.deployment.findUniqueOrThrow({ where: { id: row.id } })).statusMessage).toMatch(/^waiting for 1 free GPU/);

    const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/api/gguf/${row.id}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow(/is still starting after 2 s/);

    // Capacity frees: it is placed and runs, as any pending deployment does.
    await api.setDesired(hog.id, 'stopped');
    await waitForStatus(t.db, row.id, 'running', 30_000);
  });
});
