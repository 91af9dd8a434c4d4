import { publishDeploymentChanged } from '@gguf/redis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { createOrgFixture, type OrgFixture } from './test/org-fixture';

let h: Harness;
let f: OrgFixture;
let client: OpenAI;
const openai = (key: string) => new OpenAI({ apiKey: key, baseURL: `${h.orgUrl}/v1`, maxRetries: 0 });

beforeAll(async () => {
  h = await startHarness();
  f = await createOrgFixture(h);
  client = openai(f.key);
});
afterAll(() => h?.close());

const ask = (model: string, key = f.key) => openai(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'Which model are you?' }], max_tokens: 64 });

describe('the organization endpoint with the OpenAI SDK', () => {
  it.each([
    ['qwen-coder', 'qwen-file.gguf', 'its model name'],
    ['Qwen-Coder', 'qwen-file.gguf', 'its model name in another case'],
    ['qwen', 'qwen-file.gguf', 'an alias'],
    ['claude-sonnet-4-5', 'qwen-file.gguf', 'the glob claude-*'],
    ['claude-3-5-haiku-20241022', 'llama-file.gguf', 'the more specific glob claude-*-haiku-*'],
    ['llama-3.1-8b', 'llama-file.gguf', 'its model name'],
    ['mistral-7b-instruct', 'llama-file.gguf', 'the default deployment'],
  ])('routes %s to %s by %s, and answers with the name it was sent', async (model, file) => {
    const completion = await ask(model);
    expect(completion.choices[0]?.message.content).toContain(`reply from ${file}`);
    expect(completion.model).toBe(model);
  });

  it('streams by name, every chunk carrying the name sent', async () => {
    const stream = await client.chat.completions.create({ model: 'claude-opus-4', messages: [{ role: 'user', content: 'Write a haiku' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toContain('reply from qwen-file.gguf');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.model === 'claude-opus-4' && !c.usage)).toBe(true);
  });

  it('completes text by name, streamed and not', async () => {
    const completion = await client.completions.create({ model: 'llama', prompt: 'Once upon a time', max_tokens: 8 });
    expect(completion.model).toBe('llama');
    const stream = await client.completions.create({ model: 'llama', prompt: 'Once upon a time', max_tokens: 8, stream: true });
    for await (const chunk of stream) expect(chunk.model).toBe('llama');
    expect(f.fakes.llama.stats().lastUrl).toBe('/v1/completions');
  });

  it('embeds by a name its glob alias matches', async () => {
    const embeddings = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'world'] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.model).toBe('text-embedding-3-small');
    expect(f.fakes.embed.stats().lastUrl).toBe('/v1/embeddings');
  });

  it('lists the names the key may use, with their status', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llama-3.1-8b', 'llama', 'nomic-embed', 'qwen-coder', 'qwen']);
    expect(models.data.find((m) => m.id === 'qwen-coder')).toMatchObject({ object: 'model', status: 'running', deployment_id: f.deployments.qwen, aliases: ['qwen', 'claude-*'], default: false });
    expect(models.data.find((m) => m.id === 'llama-3.1-8b')).toMatchObject({ default: true });
    expect(models.data.find((m) => m.id === 'qwen')).toMatchObject({ alias_of: 'qwen-coder', status: 'running' });
  });

  it('answers an unknown model with 404 model_not_found in OpenAI’s shape, naming available models', async () => {
    const error = await openai(f.solo.key)
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const { status, code, type, message } = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect({ status, code, type }).toEqual({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    expect(message).toContain('`gpt-5` does not exist');
    expect(message).toContain('Available models: solo.');
  });

  it('refuses a request without a model with 400', async () => {
    const res = await fetch(`${h.orgUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${f.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', param: 'model', message: expect.stringContaining('`model` is required') } });
  });

  it('answers 503 with Retry-After for a model whose deployment is not running', async () => {
    // Created after the organization's model table was cached (the 404 above): the announcement reaches it.
    const deploymentId = await h.createDeployment(f.solo.orgId, { status: 'starting', modelName: 'sleepy' });
    await publishDeploymentChanged(h.redis, { kind: 'updated', deploymentId });
    const post = () => fetch(`${h.orgUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${f.solo.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sleepy', messages: [{ role: 'user', content: 'hi' }] }) });
    await eventually(async () => (await post()).status === 503, 1_000);
    const res = await post();
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'deployment_not_running', message: expect.stringContaining('sleepy') } });
  });
});

describe('a key limited to some models', () => {
  let limited: string;
  beforeAll(async () => {
    limited = (await h.createKey(f.orgId, { scope: ['qwen-coder', 'text-embedding-*'] })).key;
  });

  it('reaches them by name, alias and glob', async () => {
    expect((await ask('qwen', limited)).choices[0]?.message.content).toContain('qwen-file.gguf');
    expect((await ask('claude-3-5-haiku-1', limited)).choices[0]?.message.content).toContain('qwen-file.gguf');
    const embeddings = await openai(limited).embeddings.create({ model: 'nomic-embed', input: 'x' });
    expect(embeddings.data).toHaveLength(1);
  });

  it('gets the others answered exactly like a missing model, the default included', async () => {
    const body = async (model: string) => {
      const res = await fetch(`${h.orgUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${limited}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
      return { status: res.status, text: (await res.text()).replace(model, 'NAME') };
    };
    const hidden = await body('llama-3.1-8b');
    expect(hidden.status).toBe(404);
    expect(hidden).toEqual(await body('no-such-model'));
    expect(hidden.text).toContain('Available models: nomic-embed, qwen-coder.');
    await expect(ask('llama', limited)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('lists only them, and keeps them on the deployments’ own URLs too', async () => {
    expect((await openai(limited).models.list()).data.map((m) => m.id)).toEqual(['nomic-embed', 'qwen-coder', 'qwen']);
    const own = (id: string) => new OpenAI({ apiKey: limited, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    await expect(own(f.deployments.qwen)).resolves.toMatchObject({ model: 'x' });
    // Not an echo chamber: a name longer than any /api/llm resolves comes back as llama-server's.
    const long = 'x'.repeat(300);
    await expect(new OpenAI({ apiKey: f.key, baseURL: `${h.deploymentUrl(f.deployments.qwen)}/v1`, maxRetries: 0 }).chat.completions.create({ model: long, messages: [{ role: 'user', content: 'hi' }] })).resolves.toMatchObject({ model: 'qwen-file.gguf' });
    await expect(own(f.deployments.llama)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});

describe('usage per model name', () => {
  it('meters the name sent on /api/llm and the deployment’s model name on its own URL', async () => {
    const { key, id } = await h.createKey(f.orgId);
    await ask('claude-3-haiku-x', key);
    await new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(f.deployments.llama)}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: 'hi' }] });
    await eventually(async () => (await h.db.usageHourly.count({ where: { apiKeyId: id } })) === 2);
    const rows = await h.db.usageHourly.findMany({ where: { apiKeyId: id }, orderBy: { modelName: 'asc' } });
    expect(rows.map((r) => [r.deploymentId, r.modelName, r.requests])).toEqual([
      [f.deployments.llama, 'claude-3-haiku-x', 1n],
      [f.deployments.llama, 'llama-3.1-8b', 1n],
    ]);
    expect(rows.every((r) => r.inputTokens > 0n && r.outputTokens > 0n)).toBe(true);
  });
});

describe('probes', () => {
  it.each(['/', '/api/llm', '/api/llm/', '/?x=1'])('answers HEAD %s with 200 and no key', async (path) => {
    const res = await fetch(`${h.url}${path}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });

  it('answers HEAD on a deployment’s base URL, and keeps GET / a 404', async () => {
    expect((await fetch(h.deploymentUrl(), { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${h.url}/`)).status).toBe(404);
    expect((await fetch(`${h.orgUrl}/tokenize`, { method: 'POST', headers: { authorization: `Bearer ${f.key}` }, body: '{}' })).status).toBe(404);
  });
});
