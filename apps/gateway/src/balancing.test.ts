import { request } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { freePort } from '@gguf/local-services';
import { readServerActivity } from '@gguf/redis';
import type { FakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { readyServer } from './test/servers';

/**
 * docs/gateway.md, "Balancing": a deployment with two ready servers (two fake llama-servers). A conversation
 * keeps to one server, where the fake's prompt cache holds it; fresh conversations spread over both; a server
 * refusing connections loses its requests to the other; the preferred server at its target concurrency spills.
 */
let h: Harness;

beforeAll(async () => {
  // An ejected server stays out for the whole file, however slow the machine.
  h = await startHarness({ GATEWAY_UPSTREAM_EJECT_MS: '600000' });
});
afterAll(() => h?.close());

interface TwoServers {
  id: string;
  fakes: [FakeLlamaServer, FakeLlamaServer];
  serverIds: [string, string];
}

/** A deployment served by two fake llama-servers, or by a fake and `secondUrl`. */
async function twoServers(options: { targetConcurrency?: number; secondUrl?: string } = {}): Promise<TwoServers> {
  const fakes: [FakeLlamaServer, FakeLlamaServer] = [await h.startFake(), await h.startFake()];
  const id = await h.createDeployment(h.orgId, { upstreamUrl: fakes[0].url });
  await h.db.deployment.update({ where: { id }, data: { targetConcurrency: options.targetConcurrency ?? 8 } });
  const first = (await h.db.server.findFirstOrThrow({ where: { deploymentId: id } })).id;
  const second = await readyServer(h.db, id, options.secondUrl ?? fakes[1].url);
  return { id, fakes, serverIds: [first, second] };
}

/** Which of the two fakes ran `call` (by their inference counts), with its result. */
async function servedBy<T>(fakes: TwoServers['fakes'], call: () => Promise<T>): Promise<{ server: 0 | 1; result: T }> {
  const before = fakes.map((fake) => fake.stats().inferenceRequests);
  const result = await call();
  const grew = fakes.map((fake, i) => fake.stats().inferenceRequests - before[i]!);
  expect(grew.reduce((a, b) => a + b)).toBe(1);
  return { server: grew[0] === 1 ? 0 : 1, result };
}

const openai = (id: string, headers: Record<string, string> = {}) => new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0, defaultHeaders: headers });
const counted = async (name: 'upstreamRetries' | 'upstreamEjections' | 'balancedRequests', labels: Record<string, string> = {}) =>
  (await h.gateway.context.metrics[name].get()).values
    .filter((v) => Object.entries(labels).every(([label, value]) => (v.labels as Record<string, unknown>)[label] === value))
    .reduce((sum, v) => sum + v.value, 0);

describe('two ready servers', () => {
  it("keeps a Claude Code session on one server, whose prompt cache serves its later turns", async () => {
    const d = await twoServers();
    for (const session of ['session-a', 'session-b', 'session-c', 'session-d']) {
      const client = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(d.id), maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': session } });
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: `Plan a trip, ${session}` }];
      const servers = new Set<number>();
      for (let turn = 0; turn < 4; turn++) {
        const { server, result } = await servedBy(d.fakes, () => client.messages.create({ model: 'local', max_tokens: 32, system: 'You are terse.', messages }));
        servers.add(server);
        if (turn > 0) expect(result.usage.cache_read_input_tokens).toBeGreaterThan(0);
        messages.push({ role: 'assistant', content: result.content }, { role: 'user', content: `And on day ${turn + 2}?` });
      }
      expect(servers.size).toBe(1);
    }
    expect(await counted('balancedRequests', { affinity: 'session', placement: 'preferred' })).toBeGreaterThanOrEqual(16);
  });

  it('keeps an OpenAI conversation (by its first 4 KB, or its user) on one server, whose prompt cache serves its later turns', async () => {
    const d = await twoServers();
    for (const user of [undefined, 'user-1', 'user-2']) {
      for (const topic of ['a poem', 'a limerick', 'a haiku']) {
        const messages: OpenAI.ChatCompletionMessageParam[] = [
          { role: 'system', content: 'You are a poet.' },
          { role: 'user', content: `Write ${topic}${user ? ` for ${user}` : ''}` },
        ];
        const servers = new Set<number>();
        for (let turn = 0; turn < 3; turn++) {
          const { server, result } = await servedBy(d.fakes, () => openai(d.id).chat.completions.create({ model: 'local', messages, ...(user ? { user } : {}) }));
          servers.add(server);
          if (turn > 0) expect(result.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
          messages.push({ role: 'assistant', content: result.choices[0]!.message.content ?? '' }, { role: 'user', content: `Another line, ${turn}` });
        }
        expect(servers.size).toBe(1);
      }
    }
  });

  it('spreads fresh conversations over both servers, each returning to its own', async () => {
    const d = await twoServers();
    const ask = (n: number) => servedBy(d.fakes, () => openai(d.id).chat.completions.create({ model: 'local', messages: [{ role: 'user', content: `Question number ${n}` }] }));
    const first: number[] = [];
    for (let n = 0; n < 60; n++) first.push((await ask(n)).server);
    // 60 keys hashed over two servers: fewer than 10 on one has odds below one in a million.
    expect(first.filter((server) => server === 0).length).toBeGreaterThanOrEqual(10);
    expect(first.filter((server) => server === 1).length).toBeGreaterThanOrEqual(10);
    for (let n = 0; n < 60; n += 6) expect((await ask(n)).server).toBe(first[n]);
  });
});

/** Reads a stream to its end: it fails if the stream ends with an error event. */
async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let chunks = 0;
  for await (const _chunk of stream) chunks++;
  return chunks;
}

describe('a server that refuses connections', () => {
  it('loses its requests to the other server: none fails, and it is ejected once', async () => {
    const d = await twoServers({ secondUrl: `http://127.0.0.1:${await freePort()}` });
    const retries = await counted('upstreamRetries', { reason: 'connect_refused' });
    const ejections = await counted('upstreamEjections');
    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(d.id), maxRetries: 0 });
    const calls = Array.from({ length: 24 }, (_, n) => {
      if (n % 3 === 0) return openai(d.id).chat.completions.create({ model: 'local', messages: [{ role: 'user', content: `Plain ${n}` }] });
      if (n % 3 === 1) return openai(d.id).chat.completions.create({ model: 'local', stream: true, messages: [{ role: 'user', content: `Streamed ${n}` }] }).then(drain);
      return anthropic.messages.create({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content: `Anthropic ${n}` }] });
    });
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([]);
    // The refusing server was preferred by some of them: tried, refused, and the request went to the other.
    expect(await counted('upstreamRetries', { reason: 'connect_refused' })).toBeGreaterThan(retries);
    expect(await counted('upstreamEjections')).toBe(ejections + 1);
    expect(d.fakes[0].stats().inferenceRequests).toBe(24);
    // Ejected: a GET, which is never held, goes to the server that answers.
    const models = await openai(d.id).models.list();
    expect(models.data.map((model) => model.id)).toEqual(['fake-model']);
  });
});

describe('the preferred server at its target concurrency', () => {
  it('spills the conversation to the other server until a request ends, then takes it back', async () => {
    const d = await twoServers({ targetConcurrency: 1 });
    const session = { 'x-claude-code-session-id': 'busy-session' };
    const ask = () => openai(d.id, session).chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hello' }] });
    const preferred = (await servedBy(d.fakes, () => ask())).server;
    const spilled = await counted('balancedRequests', { placement: 'spilled' });

    // A slow request holds the preferred server's one place (on a connection of its own, closed to end it).
    const counts = d.fakes[preferred].stats().inferenceRequests;
    const slow = request(`${h.deploymentUrl(d.id)}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { ...session, authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-first-byte-delay-ms': '600000' },
    });
    slow.on('error', () => undefined);
    slow.end(JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hello' }] }));
    const balancer = h.gateway.context.balancer;
    await eventually(() => balancer.inflightOn(d.serverIds[preferred]) === 1 && d.fakes[preferred].stats().inferenceRequests === counts + 1);
    // Published for the API's replica list with the next activity flush (about a second).
    const publishedOn = async (server: 0 | 1) => (await readServerActivity(h.redis, [d.id])).get(d.serverIds[server]) ?? 0;
    await eventually(async () => (await publishedOn(preferred)) === 1);
    expect((await servedBy(d.fakes, () => ask())).server).toBe(1 - preferred);
    expect(await counted('balancedRequests', { placement: 'spilled' })).toBe(spilled + 1);
    slow.destroy();
    await eventually(() => balancer.inflightOn(d.serverIds[preferred]) === 0);
    await eventually(async () => (await publishedOn(preferred)) === 0);
    expect((await servedBy(d.fakes, () => ask())).server).toBe(preferred);
  });
});
