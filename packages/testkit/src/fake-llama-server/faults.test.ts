import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

const API_KEY = 'upstream-key';
const messages = [{ role: 'user' as const, content: 'Say something long enough to stream.' }];

let fake: FakeLlamaServer;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlamaServer({ args: ['--api-key', API_KEY, '-np', '1', '-c', '256', '--metrics'], env: { FAKE_LLAMA_LOAD_MS: '0' } });
  await fake.ready;
  client = new OpenAI({ apiKey: API_KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.resetStats());

function post(path: string, body: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers }, body, signal });
}

describe('auth', () => {
  it('refuses a wrong key with llama-server’s 401 on all but its public routes', async () => {
    const stranger = new OpenAI({ apiKey: 'wrong', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const error = await stranger.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).error).toEqual({ code: 401, message: 'Invalid API Key', type: 'authentication_error' });
    for (const path of ['/health', '/v1/health', '/models', '/v1/models']) expect((await fetch(`${fake.url}${path}`)).status, path).toBe(200);
    for (const path of ['/props', '/slots', '/metrics']) {
      expect((await fetch(`${fake.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${fake.url}${path}`, { headers: { 'x-api-key': API_KEY } })).status, path).toBe(200);
    }
  });

  it('reads the key as llama-server does: Authorization first, x-api-key only without it, "Bearer " optional', async () => {
    const status = async (headers: Record<string, string>) => (await fetch(`${fake.url}/props`, { headers })).status;
    expect(await status({ authorization: API_KEY })).toBe(200);
    expect(await status({ authorization: `Bearer ${API_KEY}` })).toBe(200);
    expect(await status({ 'x-api-key': `Bearer ${API_KEY}` })).toBe(200);
    expect(await status({ authorization: 'Bearer wrong', 'x-api-key': API_KEY })).toBe(401);
    expect(await status({ authorization: `bearer ${API_KEY}` })).toBe(401);
  });
});

describe('error shapes', () => {
  it('answers unknown routes like llama-server', async () => {
    const missing = await fetch(`${fake.url}/v1/nope`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
  });

  it('refuses prompts larger than a slot’s context', async () => {
    const response = await post('/v1/chat/completions', JSON.stringify({ messages: [{ role: 'user', content: 'word '.repeat(300) }] }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, type: 'exceed_context_size_error', n_ctx: 256 } });
  });
});

describe('per-request fault headers', () => {
  it('x-fake-fail-status forces an error status with a llama-server body', async () => {
    const error = await client.chat.completions.create({ model: 'm', messages }, { headers: { 'x-fake-fail-status': '503' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).status).toBe(503);
    expect((error as APIError).error).toMatchObject({ code: 503, type: 'unavailable_error' });
  });

  it('x-fake-first-byte-delay-ms holds back the response headers', async () => {
    // With one slot, a request that is not held back takes the slot and is answered before any later one.
    const held = new AbortController();
    let heldAnswered = false;
    const first = post('/v1/chat/completions', JSON.stringify({ messages }), { 'x-fake-first-byte-delay-ms': '60000' }, held.signal).then(
      () => (heldAnswered = true),
      () => undefined,
    );
    await vi.waitFor(() => expect(fake.stats().inferenceRequests).toBe(1));
    expect((await post('/v1/chat/completions', JSON.stringify({ messages }))).status).toBe(200);
    expect(heldAnswered).toBe(false);
    held.abort();
    await first;
    await vi.waitFor(() => expect(fake.stats()).toMatchObject({ active: 0, aborted: 1 }));
  });

  it('x-fake-die-after-tokens cuts the connection mid-stream', async () => {
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true }, { headers: { 'x-fake-die-after-tokens': '2' } });
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toThrow();
    expect(received.join('')).toBe('This is');
    // The fake cut the connection itself: that is not a client abort.
    await vi.waitFor(() => expect(fake.stats()).toMatchObject({ active: 0, aborted: 0 }));
  });

  it('x-fake-error-after-tokens fails generation: an error answer before the first token, an error inside the 200 stream after it', async () => {
    const before = await post('/v1/chat/completions', JSON.stringify({ messages, stream: true }), { 'x-fake-error-after-tokens': '0' });
    expect(before.status).toBe(500);
    expect(await before.json()).toEqual({ error: { code: 500, message: 'Compute error.', type: 'server_error' } });

    const during = await post('/v1/chat/completions', JSON.stringify({ messages, stream: true }), { 'x-fake-error-after-tokens': '2' });
    expect(during.status).toBe(200);
    const events = (await during.text()).split('\n\n').filter(Boolean);
    // The role chunk and two tokens, then the error; the stream ends normally, without [DONE].
    expect(events).toHaveLength(4);
    expect(events.at(-1)).toBe('data: {"error":{"code":500,"message":"Compute error.","type":"server_error"}}');

    const nonStreamed = await client.chat.completions.create({ model: 'm', messages }, { headers: { 'x-fake-error-after-tokens': '2' } }).catch((e: unknown) => e);
    expect(nonStreamed).toBeInstanceOf(OpenAI.InternalServerError);

    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true }, { headers: { 'x-fake-error-after-tokens': '2' } });
    const received: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    };
    const error = await consume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain('Compute error.');
    expect(received.join('')).toBe('This is');
    // Nobody disconnected: the fake ended each stream itself.
    expect(fake.stats()).toMatchObject({ active: 0, aborted: 0 });
  });
});

describe('client disconnects', () => {
  it('stops generating and counts the request as aborted', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages, stream: true },
      { headers: { 'x-fake-token-delay-ms': '50' }, signal: controller.signal },
    );
    // Depending on timing the SDK either throws an abort error or just ends the iteration.
    await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) controller.abort();
    })().catch(() => undefined);
    await vi.waitFor(() => expect(fake.stats()).toMatchObject({ aborted: 1, active: 0 }));
    const produced = fake.stats().predictedTokens;
    // The one slot is free only once the abandoned generation has stopped; had it gone on, its remaining
    // tokens would be counted before this request's.
    const next = await client.chat.completions.create({ model: 'm', messages, max_tokens: 3 });
    expect(fake.stats().predictedTokens).toBe(produced + next.usage!.completion_tokens);
  });
});

describe('stats', () => {
  it('records what reached the upstream: headers, body and URL of the last request', async () => {
    await (await post('/v1/chat/completions?trace=1', JSON.stringify({ messages }), { 'x-request-id': 'abc' })).json();
    const stats = (await (await fetch(`${fake.url}/fake/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ requests: 1, inferenceRequests: 1, aborted: 0, active: 0, lastUrl: '/v1/chat/completions?trace=1', lastBody: { messages } });
    expect(stats.lastHeaders).toMatchObject({ authorization: `Bearer ${API_KEY}`, 'x-request-id': 'abc' });
  });
});

describe('slots', () => {
  it('queues requests beyond -np and reports them as deferred', async () => {
    // Slow enough that both are seen in flight even on a loaded machine.
    const slow = { headers: { 'x-fake-token-delay-ms': '150' } };
    const first = client.chat.completions.create({ model: 'm', messages }, slow);
    const second = client.chat.completions.create({ model: 'm', messages }, slow);
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${fake.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } })).text();
      expect(metrics).toContain('llamacpp:requests_processing 1\n');
      expect(metrics).toContain('llamacpp:requests_deferred 1\n');
    }, { timeout: 15_000, interval: 50 });
    const [a, b] = await Promise.all([first, second]);
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
  });
});
