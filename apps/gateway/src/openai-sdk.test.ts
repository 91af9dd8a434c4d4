import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl()}/v1`, maxRetries: 0 });
});
afterAll(() => h?.close());

describe('the OpenAI SDK through the gateway', () => {
  it('creates a chat completion with any model name, and the upstream sees the deployment secret instead of the caller key', async () => {
    const completion = await client.chat.completions.create({
      model: 'whatever-name',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      max_tokens: 256,
    });
    expect(completion.choices[0]?.message.content).toContain('What is the capital of France?');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const seen = h.fake.stats().lastHeaders ?? {};
    expect(seen.authorization).toBe(`Bearer ${h.upstreamSecret}`);
    expect(JSON.stringify(seen)).not.toContain(h.key);
  });

  it('streams chunks and hides the usage chunk the gateway asked for on the caller’s behalf', async () => {
    const stream = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Write a haiku' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toContain('Write a haiku');
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    expect(h.fake.stats().lastBody).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('passes the usage chunk through when the caller asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'local',
      messages: [{ role: 'user', content: 'Count please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('creates text completions, streamed and not', async () => {
    const completion = await client.completions.create({ model: 'local', prompt: 'Once upon a time', max_tokens: 8 });
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    const stream = await client.completions.create({ model: 'local', prompt: 'Once upon a time', max_tokens: 8, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('creates embeddings and lists the model', async () => {
    const embedder = await h.startFake(['--embeddings']);
    const deploymentId = await h.createDeployment(h.orgId, { upstreamUrl: embedder.url });
    const embeddingClient = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    const embeddings = await embeddingClient.embeddings.create({ model: 'local', input: ['hello', 'world'] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]?.embedding.length).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake-model']);
  });

  it('carries tool definitions and returns tool calls', async () => {
    const completion = await client.chat.completions.create({
      model: 'local',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
        },
      ],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('the curl examples of the product docs', () => {
  const body = JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 256, temperature: 0.7 });

  it.each([
    ['Authorization', (key: string) => ({ authorization: `Bearer ${key}` })],
    ['x-api-key', (key: string) => ({ 'x-api-key': key })],
    ['key', (key: string) => ({ key })],
  ])('authenticates with the %s header', async (_, header) => {
    const models = await fetch(`${h.deploymentUrl()}/v1/models`, { headers: header(h.key) });
    expect(models.status).toBe(200);
    const chat = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, { method: 'POST', headers: { ...header(h.key), 'content-type': 'application/json' }, body });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { object: string }).object).toBe('chat.completion');
    expect(chat.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('streams SSE unbuffered, ending with [DONE]', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'Write a haiku' }], stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const text = await res.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('"usage"');
  });

  it('passes llama-server routes through: health, tokenize, detokenize, rerank', async () => {
    const auth = { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' };
    expect(await (await fetch(`${h.deploymentUrl()}/health`, { headers: auth })).json()).toEqual({ status: 'ok' });
    const tokenized = (await (await fetch(`${h.deploymentUrl()}/tokenize`, { method: 'POST', headers: auth, body: JSON.stringify({ content: 'hello world' }) })).json()) as { tokens: number[] };
    expect(tokenized.tokens.length).toBeGreaterThan(0);
    const detokenized = await fetch(`${h.deploymentUrl()}/detokenize`, { method: 'POST', headers: auth, body: JSON.stringify({ tokens: tokenized.tokens }) });
    expect(((await detokenized.json()) as { content: string }).content).toContain('hello');
    // llama-server started with --reranking serves only embeddings and reranking, so this is another deployment.
    const reranker = await h.createDeployment(h.orgId, { upstreamUrl: (await h.startFake(['--reranking'])).url });
    const reranked = await fetch(`${h.deploymentUrl(reranker)}/v1/rerank`, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'paris', documents: ['berlin', 'paris france'] }) });
    expect(((await reranked.json()) as { results: { index: number }[] }).results[0]?.index).toBe(1);
  });

  it('keeps the query string', async () => {
    await fetch(`${h.deploymentUrl()}/v1/models?foo=bar&x=1`, { headers: { authorization: `Bearer ${h.key}` } });
    expect(h.fake.stats().lastUrl).toBe('/v1/models?foo=bar&x=1');
  });
});
