// Claude Code's billing line against llama-server's prompt cache. Replays a 10-request Claude-Code-shaped session
// (bench/claude-code-session.ts: billing line first with a suffix that changes per request, a system prompt, a
// tool list, a conversation growing with tool calls and results) twice, each time to a fresh one-slot fake
// llama-server (-np 1, so its single slot holds the conversation, as on a real single-user server):
//   - kept: straight to llama-server, as any proxy that passes the body through would deliver it;
//   - removed: through the gateway's organization endpoint (/api/llm), which drops the billing block.
// Prints, per request, the prompt size and how much of it llama-server computed versus read from its cache.
//
// usage: npx tsx bench/claude-code-cache.ts [--turns 10] [--keep]
// Traffic goes to 127.0.0.1 only. Needs PostgreSQL and redis-server binaries (the gateway's database and Redis).
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { createLogger, parseEnv } from '@gguf/core';
import { gatewayEnv } from '../apps/gateway/src/env';
import { createDatabase } from '@gguf/db';
import { closeRedis, createRedis } from '@gguf/redis';
import { type FakeLlamaServer, startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import { createGateway } from '../apps/gateway/src/gateway';
import { startBenchServices } from './bench-services';
import { firstMessages, nextMessages, systemBlocks, TOOLS } from './claude-code-session';
import { SECRETS_KEY, seedTenant, UPSTREAM_SECRET } from './gateway-seed';

const { values: options } = parseArgs({ options: { turns: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false } } });
const turns = Number(options.turns);

interface Turn {
  prompt: number;
  computed: number;
  cached: number;
}

/** A fake llama-server with one slot and room for the session. */
async function startLlamaServer(): Promise<FakeLlamaServer> {
  const server = await startFakeLlamaServer({ args: ['--api-key', UPSTREAM_SECRET, '-a', 'qwen-coder.gguf', '--jinja', '-np', '1', '-c', '131072'], env: { FAKE_LLAMA_LOAD_MS: '0' } });
  await server.ready;
  return server;
}

/** Claude Code's request shape: streamed, `?beta=true`, its beta header, fields llama-server ignores. */
async function replay(baseURL: string, apiKey: string, model: string): Promise<Turn[]> {
  const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, defaultQuery: { beta: 'true' }, defaultHeaders: { 'anthropic-beta': 'claude-code-20250219' } });
  const messages = firstMessages();
  const rows: Turn[] = [];
  for (let turn = 0; turn < turns; turn++) {
    const reply = await client.messages
      .stream({ model, max_tokens: 32000, system: systemBlocks(turn), tools: TOOLS, messages, metadata: { user_id: 'bench' } })
      .finalMessage();
    const cached = reply.usage.cache_read_input_tokens ?? 0;
    rows.push({ prompt: reply.usage.input_tokens + cached, computed: reply.usage.input_tokens, cached });
    messages.push(...nextMessages(reply.content, turn));
  }
  return rows;
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
const cell = (row: Turn) => `${row.computed} | ${row.cached} (${pct(row.cached, row.prompt)})`;

function print(kept: Turn[], removed: Turn[]): void {
  console.log(`\nClaude-Code-shaped session, ${turns} requests, one-slot fake llama-server; ${new Date().toISOString()}`);
  console.log('\n| Request | Prompt tokens (kept / removed) | Line kept: computed | cached | Line removed: computed | cached |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  kept.forEach((row, i) => {
    const other = removed[i]!;
    console.log(`| ${i + 1} | ${row.prompt} / ${other.prompt} | ${cell(row)} | ${cell(other)} |`);
  });
  const sum = (rows: Turn[], key: keyof Turn) => rows.reduce((total, row) => total + row[key], 0);
  const total = (rows: Turn[]): Turn => ({ prompt: sum(rows, 'prompt'), computed: sum(rows, 'computed'), cached: sum(rows, 'cached') });
  const [k, r] = [total(kept), total(removed)];
  console.log(`| all | ${k.prompt} / ${r.prompt} | ${cell(k)} | ${cell(r)} |`);
  const later = (rows: Turn[]) => total(rows.slice(1));
  console.log(`\nRequests 2–${turns}: computed ${later(kept).computed} tokens with the line kept, ${later(removed).computed} with it removed (${(later(kept).computed / Math.max(later(removed).computed, 1)).toFixed(1)}×).`);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'gguf-bench-cc-cache-'));
  // PostgreSQL runs as its own user when we are root and must reach its directory.
  await chmod(root, 0o755);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const services = await startBenchServices(root, stops);

    const [keptServer, removedServer] = [await startLlamaServer(), await startLlamaServer()];
    stops.unshift(() => Promise.all([keptServer.close(), removedServer.close()]));
    const tenant = await seedTenant(services.postgresUrl, [removedServer.url]);

    const db = createDatabase(services.postgresUrl);
    stops.unshift(() => db.$disconnect());
    const redis = createRedis(services.redisUrl, 'bench-gateway');
    stops.unshift(() => closeRedis(redis));
    const env = parseEnv('gateway', gatewayEnv, { DATABASE_URL: services.postgresUrl, REDIS_URL: services.redisUrl, SECRETS_KEY });
    const gateway = await createGateway({ db, redis, env, logger: createLogger('bench', 'warn') });
    stops.unshift(() => gateway.close());
    gateway.server.listen(0, '127.0.0.1');
    await once(gateway.server, 'listening');
    const gatewayUrl = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;

    const kept = await replay(keptServer.url, UPSTREAM_SECRET, 'qwen-coder');
    const removed = await replay(`${gatewayUrl}/api/llm`, tenant.apiKey, 'bench-0');
    print(kept, removed);
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error('cleanup:', error));
    if (options.keep) console.log(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

await main();
