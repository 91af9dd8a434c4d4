/**
 * Replicas (issue 11): how much of the prompt llama-server reads from its prompt cache when a deployment's
 * conversations are spread over two servers by the gateway's affinity, against round-robin and one server.
 *
 *   npx tsx bench/replicas.ts [--conversations 50] [--turns 6] [--concurrency 8] [--slots 4] [--system-words 1000]
 *                             [--reply-tokens 200] [--think-ms 0] [--token-delay-ms 1] [--seed 11]
 *
 * The same seeded traffic (bench/replicas-conversations.ts: a shared system prompt, `--conversations` chats of
 * `--turns` turns, each turn appending the reply (`--reply-tokens` on average, from half to 1.5 times) and a new
 * question, sent after a pause of `--think-ms` on average (the same spread); `--concurrency` chats at once) is replayed, non-streamed, through the OpenAI SDK in each mode, each on
 * fresh fake llama-servers (packages/testkit: llama-server's per-slot prompt cache and slot choice), so every
 * mode starts with cold caches:
 *   - one server with both replicas' slots (`-np 2×slots`), through the gateway: the reference;
 *   - one server the size of a replica (`-np slots`), through the gateway;
 *   - two servers through the gateway, the conversation named by OpenAI `user` (affinity by user);
 *   - two servers through the gateway, no `user` (affinity by the hash of the prompt's start);
 *   - two servers, straight, taking turns (round-robin, what a balancer without affinity does).
 * The gateway runs in this process on a PostgreSQL and Redis of the benchmark's own, its deployments on
 * `servers` rows (target concurrency: the deployment's `parallel`, the fake's `-np`). Prompt tokens and cached
 * tokens are summed from each answer's `usage`. Not a test: it prints a report. Traffic goes to 127.0.0.1 only.
 */
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createLogger, parseEnv } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { closeRedis, createRedis } from '@gguf/redis';
import { type FakeLlamaServer, startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import OpenAI from 'openai';
import { affinityKey } from '../apps/gateway/src/balancing/affinity-key';
import { gatewayEnv } from '../apps/gateway/src/env';
import { createGateway, type Gateway } from '../apps/gateway/src/gateway';
import { readyServer } from '../apps/gateway/src/test/servers';
import { startBenchServices } from './bench-services';
import { SECRETS_KEY, seedTenant, UPSTREAM_SECRET } from './gateway-seed';
import { type Conversation, makeTraffic, type Traffic } from './replicas-conversations';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '50' },
    turns: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '8' },
    slots: { type: 'string', default: '4' },
    'system-words': { type: 'string', default: '1000' },
    'reply-tokens': { type: 'string', default: '200' },
    'think-ms': { type: 'string', default: '0' },
    'token-delay-ms': { type: 'string', default: '1' },
    seed: { type: 'string', default: '11' },
  },
});
const slots = Number(values.slots);
const concurrency = Number(values.concurrency);
const replyTokens = Number(values['reply-tokens']);
const thinkMs = Number(values['think-ms']);
/** From half to 1.5 times the mean. */
const spread = (mean: number) => [Math.round(mean / 2), Math.round((3 * mean) / 2)] as const;
/** Context per slot: room for the longest conversation. */
const SLOT_CONTEXT = 16384;
/** Affinity is meant to keep cache reuse within this share of one server's. */
const GOAL = 0.95;

type Message = OpenAI.ChatCompletionMessageParam;
/** Sends one turn of a conversation (its messages so far) somewhere, and answers with the completion. */
type Send = (conversation: Conversation, messages: Message[], replyTokens: number) => Promise<OpenAI.ChatCompletion>;

interface Totals {
  prompt: number;
  cached: number;
}

/** Replays every conversation, `concurrency` at a time, each turn its pause after the previous one's answer; sums their usage. */
async function replay(traffic: Traffic, send: Send): Promise<Totals> {
  const totals: Totals = { prompt: 0, cached: 0 };
  let next = 0;
  const chat = async () => {
    for (let c = next++; c < traffic.conversations.length; c = next++) {
      const conversation = traffic.conversations[c]!;
      const messages: Message[] = [{ role: 'system', content: traffic.system }];
      for (const [turn, question] of conversation.questions.entries()) {
        if (conversation.thinkMs[turn]) await sleep(conversation.thinkMs[turn]);
        messages.push({ role: 'user', content: question });
        const answer = await send(conversation, messages, conversation.replyTokens[turn]!);
        totals.prompt += answer.usage?.prompt_tokens ?? 0;
        totals.cached += answer.usage?.prompt_tokens_details?.cached_tokens ?? 0;
        messages.push({ role: 'assistant', content: answer.choices[0]?.message.content ?? '' });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, chat));
  return totals;
}

/** llama-server's own field: the reply runs to `max_tokens`, as long as an assistant's answers run. */
const FIXED_LENGTH = { ignore_eos: true };
const complete = (client: OpenAI, messages: Message[], maxTokens: number, user?: string) =>
  client.chat.completions.create({ model: 'bench', messages, max_tokens: maxTokens, ...FIXED_LENGTH, ...(user ? { user } : {}) });

async function startFake(parallel: number): Promise<FakeLlamaServer> {
  const fake = await startFakeLlamaServer({
    args: ['--api-key', UPSTREAM_SECRET, '-a', 'bench', '-np', String(parallel), '-c', String(parallel * SLOT_CONTEXT)],
    env: { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_TOKEN_DELAY_MS: values['token-delay-ms'] },
  });
  await fake.ready;
  return fake;
}

interface Mode {
  name: string;
  /** Slots of each server (`-np`, and the deployment's `parallel`). */
  parallel: number;
  fakes: FakeLlamaServer[];
  /** The deployment it goes through, if it goes through the gateway. */
  deploymentId?: string;
  /** Whether each conversation is sent with its OpenAI `user`. */
  byUser?: boolean;
}

interface Result {
  mode: Mode;
  totals: Totals;
  /** Requests each server answered. */
  perServer: number[];
  /** Requests the gateway sent off their preferred server (it was at its target concurrency). */
  spilled: number;
}

const spilledSoFar = async (gateway: Gateway) =>
  (await gateway.context.metrics.balancedRequests.get()).values.filter((v) => v.labels.placement === 'spilled').reduce((sum, v) => sum + v.value, 0);

async function run(mode: Mode, traffic: Traffic, gatewayUrl: string, apiKey: string, gateway: Gateway): Promise<Result> {
  const spilledBefore = await spilledSoFar(gateway);
  let send: Send;
  if (mode.deploymentId) {
    const client = new OpenAI({ apiKey, baseURL: `${gatewayUrl}/api/gguf/${mode.deploymentId}/v1`, maxRetries: 0 });
    send = (conversation, messages, tokens) => complete(client, messages, tokens, mode.byUser ? conversation.user : undefined);
  } else {
    const clients = mode.fakes.map((fake) => new OpenAI({ apiKey: UPSTREAM_SECRET, baseURL: `${fake.url}/v1`, maxRetries: 0 }));
    let turn = 0;
    send = (_conversation, messages, tokens) => complete(clients[turn++ % clients.length]!, messages, tokens);
  }
  const totals = await replay(traffic, send);
  return { mode, totals, perServer: mode.fakes.map((fake) => fake.stats().inferenceRequests), spilled: (await spilledSoFar(gateway)) - spilledBefore };
}

const pct = (share: number) => `${(100 * share).toFixed(1)} %`;
const share = (t: Totals) => t.cached / Math.max(t.prompt, 1);
const computed = (t: Totals) => t.prompt - t.cached;

function report(results: Result[], traffic: Traffic): void {
  const reference = share(results[0]!.totals);
  const referenceComputed = computed(results[0]!.totals);
  const turns = traffic.conversations[0]?.questions.length ?? 0;
  const shape = `${traffic.conversations.length} conversations × ${turns} turns, ${concurrency} at once, pauses of ${thinkMs} ms and replies of ${replyTokens} tokens on average`;
  console.log(`\n${shape}, system prompt ${values['system-words']} words, replicas of ${slots} slots; ${new Date().toISOString()}`);
  console.log('\n| Mode | Requests per server | Spilled | Prompt tokens | Computed | Read from cache | Cached share | ÷ reference | Computed ÷ reference |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const { mode, totals, perServer, spilled } of results) {
    const cells = [mode.name, perServer.join(' / '), mode.deploymentId ? String(spilled) : '–', totals.prompt, computed(totals), totals.cached, pct(share(totals)), (share(totals) / reference).toFixed(3), (computed(totals) / referenceComputed).toFixed(2)];
    console.log(`| ${cells.join(' | ')} |`);
  }
  const starts = new Set(traffic.conversations.map((c) => affinityKey({}, { messages: [{ role: 'system', content: traffic.system }, { role: 'user', content: c.questions[0]! }] })?.key));
  console.log(`\nDistinct prompt-start affinity keys: ${starts.size} for ${traffic.conversations.length} conversations (system prompt of ${traffic.system.length} bytes).`);
  console.log(`Goal: affinity within ${pct(1 - GOAL)} of one server's cache reuse (÷ reference ≥ ${GOAL}).`);
  for (const { mode, totals } of results.filter((r) => r.mode.deploymentId && r.mode.fakes.length > 1)) {
    const ratio = share(totals) / reference;
    console.log(`  ${mode.name}: ${ratio.toFixed(3)} ${ratio >= GOAL ? 'holds' : 'MISSES'}`);
  }
}

async function main(): Promise<void> {
  const traffic = makeTraffic({
    seed: Number(values.seed),
    conversations: Number(values.conversations),
    turns: Number(values.turns),
    systemWords: Number(values['system-words']),
    openingWords: [60, 250],
    followUpWords: [15, 80],
    replyTokens: spread(replyTokens),
    thinkMs: spread(thinkMs),
  });
  const root = await mkdtemp(join(tmpdir(), 'gguf-bench-replicas-'));
  // PostgreSQL runs as its own user when we are root and must reach its directory.
  await chmod(root, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const services = await startBenchServices(root, stops);
    const modes: Mode[] = [
      { name: `one server, ${2 * slots} slots (reference)`, parallel: 2 * slots, fakes: [await startFake(2 * slots)] },
      { name: `one server, ${slots} slots`, parallel: slots, fakes: [await startFake(slots)] },
      { name: 'two servers, affinity by user', parallel: slots, fakes: [await startFake(slots), await startFake(slots)], byUser: true },
      { name: 'two servers, affinity by prompt start', parallel: slots, fakes: [await startFake(slots), await startFake(slots)] },
      { name: 'two servers, round-robin', parallel: slots, fakes: [await startFake(slots), await startFake(slots)] },
    ];
    stops.unshift(() => Promise.all(modes.flatMap((mode) => mode.fakes.map((fake) => fake.close()))));

    const balanced = modes.slice(0, 4);
    const tenant = await seedTenant(services.postgresUrl, balanced.map((mode) => mode.fakes[0]!.url));
    const db = createDatabase(services.postgresUrl);
    stops.unshift(() => db.$disconnect());
    for (const [i, mode] of balanced.entries()) {
      mode.deploymentId = tenant.deploymentIds[i]!;
      for (const fake of mode.fakes.slice(1)) await readyServer(db, mode.deploymentId, fake.url);
      await db.deployment.update({ where: { id: mode.deploymentId }, data: { parallel: mode.parallel } });
    }

    const redis = createRedis(services.redisUrl, 'bench-gateway');
    stops.unshift(() => closeRedis(redis));
    const env = parseEnv('gateway', gatewayEnv, { DATABASE_URL: services.postgresUrl, REDIS_URL: services.redisUrl, SECRETS_KEY, GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0' });
    const gateway = await createGateway({ db, redis, env, logger: createLogger('bench', 'warn') });
    stops.unshift(() => gateway.close());
    gateway.server.listen(0, '127.0.0.1');
    await once(gateway.server, 'listening');
    const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;

    const results: Result[] = [];
    for (const mode of modes) {
      const started = performance.now();
      results.push(await run(mode, traffic, gatewayUrl, tenant.apiKey, gateway));
      console.log(`${mode.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    report(results, traffic);
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error('cleanup:', error));
    await rm(root, { recursive: true, force: true });
  }
}

await main();
