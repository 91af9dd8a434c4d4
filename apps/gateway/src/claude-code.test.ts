import { type FakeLlamaServer, startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSession, type DeadEndProxy, startDeadEndProxy } from './test/claude-code-cli';
import { type Harness, startHarness } from './test/harness';

/**
 * The real Claude Code CLI (the npm package, pinned in the root package.json) against the organization endpoint,
 * in front of a fake llama-server with one slot, so that slot holds the conversation as it would on a real server.
 */

const MODEL = 'qwen-coder';
const REPLY = 'Hello from the GGUF deployment.';
const BILLING_PREFIX = 'x-anthropic-billing-header:';

let h: Harness;
let proxy: DeadEndProxy;

beforeAll(async () => {
  [h, proxy] = await Promise.all([startHarness(), startDeadEndProxy()]);
});
afterAll(async () => {
  await Promise.all([h?.close(), proxy?.close()]);
});

interface ClaudeResult {
  is_error: boolean;
  result: string;
  session_id: string;
  usage: { input_tokens: number; cache_read_input_tokens: number };
}

/** An organization of its own whose deployment `qwen-coder` (alias `claude-*`, for Claude Code's own model ids) runs on a one-slot fake. */
async function startOrganization(): Promise<{ fake: FakeLlamaServer; key: string }> {
  // Claude Code's system prompt and tools alone are some 12,000 of the fake's tokens.
  const fake = await startFakeLlamaServer({
    args: ['--api-key', h.upstreamSecret, '-a', 'llama-server-file.gguf', '--jinja', '-np', '1', '-c', '131072'],
    env: { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_REPLY: REPLY },
  });
  await fake.ready;
  const orgId = await h.createOrg();
  const deploymentId = await h.createDeployment(orgId, { upstreamUrl: fake.url });
  await h.db.deployment.update({ where: { id: deploymentId }, data: { modelName: MODEL, modelAliases: ['claude-*'] } });
  return { fake, key: (await h.createKey(orgId)).key };
}

/** Tokens of the last request's system prompt and tools, as the fake's template renders them before the first message. */
async function systemAndToolTokens(fake: FakeLlamaServer): Promise<number> {
  const { system, tools } = fake.stats().lastBody as { system: unknown; tools: unknown };
  const response = await fetch(`${fake.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.upstreamSecret}` },
    body: JSON.stringify({ system, tools, messages: [] }),
  });
  // Without messages the prompt is the system turn and the two tokens that open the reply.
  return ((await response.json()) as { input_tokens: number }).input_tokens - 2;
}

/** The cache figures of the last /v1/messages prompt llama-server saw. */
function lastPrompt(fake: FakeLlamaServer): { promptTokens: number; cachedTokens: number; share: number } {
  const last = fake.stats().prompts.filter((prompt) => prompt.path === '/v1/messages').at(-1);
  if (!last) throw new Error('no /v1/messages prompt reached llama-server');
  return { ...last, share: last.cachedTokens / last.promptTokens };
}

describe.each([
  ['ANTHROPIC_AUTH_TOKEN (Bearer)', 'token'],
  ['ANTHROPIC_API_KEY (x-api-key)', 'apiKey'],
] as const)('Claude Code with %s', (_variable, auth) => {
  it('answers two turns of one session, the second read at least 95 % from llama-server’s prompt cache', { timeout: 180_000 }, async () => {
    const { fake, key } = await startOrganization();
    const session = await claudeSession({ baseUrl: `${h.url}/api/llm`, auth: auth === 'token' ? { token: key } : { apiKey: key }, proxy });
    try {
      const turn1 = await session.run(['-p', 'Say hello', '--model', MODEL, '--output-format', 'json']);
      expect(turn1.code, turn1.stderr).toBe(0);
      const first = JSON.parse(turn1.stdout) as ClaudeResult;
      expect(first).toMatchObject({ is_error: false, result: REPLY });

      const turn2 = await session.run(['-p', 'Now say goodbye', '--model', MODEL, '--resume', first.session_id, '--output-format', 'json']);
      expect(turn2.code, turn2.stderr).toBe(0);
      const second = JSON.parse(turn2.stdout) as ClaudeResult;
      expect(second).toMatchObject({ is_error: false, result: REPLY, session_id: first.session_id });
      const cached = lastPrompt(fake);
      expect(cached.share).toBeGreaterThanOrEqual(0.95);
      // What Claude Code was told, through the gateway, is what llama-server reported.
      expect(second.usage).toMatchObject({ cache_read_input_tokens: cached.cachedTokens, input_tokens: cached.promptTokens - cached.cachedTokens });
      // The billing line did not reach llama-server; the rest of the system prompt did.
      const system = (fake.stats().lastBody as { system: { text: string }[] }).system;
      expect(system.length).toBeGreaterThan(0);
      expect(system.some((block) => block.text.startsWith(BILLING_PREFIX))).toBe(false);

      // A new session's billing line differs (its suffix follows the conversation), but with the line removed its
      // first request still finds the whole system prompt and tool list in the slot; it differs from the slot's
      // conversation only from its first message on.
      const other = await session.run(['-p', 'Count to three', '--model', MODEL, '--output-format', 'json']);
      expect(other.code, other.stderr).toBe(0);
      expect(JSON.parse(other.stdout)).toMatchObject({ is_error: false, result: REPLY });
      expect(lastPrompt(fake).cachedTokens).toBeGreaterThanOrEqual(await systemAndToolTokens(fake));

      // Nothing tried to leave the machine through the proxy.
      expect(proxy.attempts()).toBe(0);
    } finally {
      await session.close();
      await fake.close();
    }
  });
});
