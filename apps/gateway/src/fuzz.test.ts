import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type FuzzCase, type FuzzAnswer, send } from './test/fuzz-client';
import { fuzzCases, type FuzzTargets } from './test/fuzz-cases';
import { type Harness, startHarness } from './test/harness';

/**
 * Malformed requests on every gateway route, against the real gateway in front of the fake llama-server, which
 * fails on bad input the way llama-server does. No answer may be a 5xx, and both must be healthy afterwards.
 * The cases are generated from a fixed seed, so every run sends the same requests.
 */

const SEED = 9_2024;
const CONCURRENCY = 8;
const MAX_BODY_BYTES = 512 * 1024;

let h: Harness;
let targets: FuzzTargets;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_KEY_RPM: '0', GATEWAY_ORG_RPM: '0', GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES), GATEWAY_HEADERS_TIMEOUT_MS: '5000' });
  const [noJinja, embedder, reranker] = await Promise.all([h.startFake(['--no-jinja']), h.startFake(['--embeddings']), h.startFake(['--reranking'])]);
  const strangerOrg = await h.createOrg();
  targets = {
    key: h.key,
    expiredKey: (await h.createKey(h.orgId, { expiresAt: new Date(Date.now() - 1000) })).key,
    strangerKey: (await h.createKey(strangerOrg)).key,
    deployments: {
      chat: await h.createDeployment(h.orgId, { modelName: 'chat', modelAliases: ['claude-*'] }),
      noJinja: await h.createDeployment(h.orgId, { upstreamUrl: noJinja.url, modelName: 'no-jinja' }),
      embeddings: await h.createDeployment(h.orgId, { upstreamUrl: embedder.url, modelName: 'embed', modelAliases: ['text-embedding-*'] }),
      rerank: await h.createDeployment(h.orgId, { upstreamUrl: reranker.url, modelName: 'rerank' }),
    },
    models: { chat: 'chat', noJinja: 'no-jinja', embeddings: 'embed', rerank: 'rerank' },
    maxBodyBytes: MAX_BODY_BYTES,
  };
}, 120_000);
afterAll(() => h?.close());

/** Runs the cases `limit` at a time, keeping their order in the answers. */
async function sendAll(cases: FuzzCase[], limit: number, port: number): Promise<FuzzAnswer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: limit });
  const answers: FuzzAnswer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      answers[index] = await send(port, agent, cases[index] as FuzzCase);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  agent.destroy();
  return answers;
}

/** Why an answer is wrong for its case, or undefined when it is right. */
function problemWith(fuzz: FuzzCase, answer: FuzzAnswer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.body.slice(0, 300)}`;
  // No answer is acceptable only where the connection is given up or refused mid-upload.
  if (answer.status === 0) return fuzz.raw || fuzz.expect === 413 ? undefined : 'no answer';
  if (fuzz.expect !== undefined && answer.status !== fuzz.expect) return `expected ${fuzz.expect}, got ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (fuzz.protocol && answer.status >= 400 && answer.status !== 431 && fuzz.method !== 'HEAD') {
    let body: { type?: unknown; error?: { type?: unknown; message?: unknown } };
    try {
      body = JSON.parse(answer.body) as typeof body;
    } catch {
      return `a ${answer.status} without a JSON error body`;
    }
    const shaped = fuzz.protocol === 'anthropic' ? body.type === 'error' && typeof body.error?.type === 'string' : typeof body.error?.message === 'string' && typeof body.error.type === 'string';
    if (!shaped) return `a ${answer.status} not in the ${fuzz.protocol} error shape: ${answer.body.slice(0, 200)}`;
  }
  return undefined;
}

describe('gateway fuzz', () => {
  it('answers every malformed request below 500, in the caller’s protocol, and stays healthy', async () => {
    const cases = fuzzCases(targets, SEED);
    expect(cases.length).toBeGreaterThanOrEqual(600);
    const port = (h.gateway.server.address() as AddressInfo).port;
    const answers = await sendAll(cases, CONCURRENCY, port);

    const distribution: Record<string, number> = {};
    const problems: string[] = [];
    for (const [index, fuzz] of cases.entries()) {
      const answer = answers[index] as FuzzAnswer;
      const status = answer.status === 0 ? 'no answer' : String(answer.status);
      distribution[status] = (distribution[status] ?? 0) + 1;
      const problem = problemWith(fuzz, answer);
      if (problem) problems.push(`${fuzz.name}: ${problem}`);
    }
    const statuses = Object.fromEntries(Object.entries(distribution).sort(([a], [b]) => a.localeCompare(b)));
    console.log(`gateway fuzz (seed ${SEED}): ${cases.length} requests; statuses ${JSON.stringify(statuses)}`);
    expect(problems).toEqual([]);
    expect(Object.keys(distribution).filter((status) => Number(status) >= 500)).toEqual([]);

    // Healthy afterwards: the official SDKs get answers, the gateway's health check passes, nothing is left running.
    const openai = new OpenAI({ apiKey: h.key, baseURL: `${h.orgUrl}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'still there?' }] });
    expect(completion.choices[0]?.message.content).toContain('still there?');
    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'm', max_tokens: 32, messages: [{ role: 'user', content: 'and now?' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('and now?') });
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    await eventually(() => h.fake.stats().active === 0);
  }, 600_000);
});
