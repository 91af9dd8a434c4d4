import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test/harness';
import { createOrgFixture, type OrgFixture } from './test/org-fixture';

let h: Harness;
let f: OrgFixture;
let client: Anthropic;
const anthropic = (key: string, baseURL = h.orgUrl) => new Anthropic({ apiKey: key, baseURL, maxRetries: 0 });
const BILLING = 'x-anthropic-billing-header: cc_version=2.1.197.3af; cc_entrypoint=sdk-cli;';

beforeAll(async () => {
  h = await startHarness();
  f = await createOrgFixture(h);
  client = anthropic(f.key);
});
afterAll(() => h?.close());

const textOf = (message: Anthropic.Message) => message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

describe('the organization endpoint with the Anthropic SDK', () => {
  it.each([
    ['qwen-coder', 'qwen-file.gguf'],
    ['claude-sonnet-4-5-20250929', 'qwen-file.gguf'],
    ['claude-haiku-4-5', 'qwen-file.gguf'],
    ['claude-3-5-haiku-latest', 'llama-file.gguf'],
    ['some-other-model', 'llama-file.gguf'],
  ])('routes %s to %s and answers with the name it was sent', async (model, file) => {
    const message = await client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Which model are you?' }] });
    expect(textOf(message)).toContain(`reply from ${file}`);
    expect(message.model).toBe(model);
  });

  it('streams by name; message_start and the final message carry the name sent', async () => {
    const stream = client.messages.stream({ model: 'qwen', max_tokens: 64, messages: [{ role: 'user', content: 'Write a story' }] });
    let started: string | undefined;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') started = event.message.model;
    });
    const final = await stream.finalMessage();
    expect(started).toBe('qwen');
    expect(final.model).toBe('qwen');
    expect(textOf(final)).toContain('qwen-file.gguf');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('counts tokens by name', async () => {
    const counted = await client.messages.countTokens({ model: 'llama', messages: [{ role: 'user', content: 'Hello world' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(f.fakes.llama.stats().lastUrl).toBe('/v1/messages/count_tokens');
  });

  it('lists models in Anthropic’s shape, page by page', async () => {
    const page = await client.models.list({ limit: 2 });
    expect(page.data).toEqual([
      { type: 'model', id: 'llama-3.1-8b', display_name: 'llama-3.1-8b', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), status: 'running' },
      { type: 'model', id: 'llama', display_name: 'llama (alias of llama-3.1-8b)', created_at: expect.any(String), status: 'running' },
    ]);
    expect(page.has_more).toBe(true);
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toEqual(['llama-3.1-8b', 'llama', 'nomic-embed', 'qwen-coder', 'qwen']);
    const raw = (await (await fetch(`${h.orgUrl}/v1/models?limit=10`, { headers: { 'x-api-key': f.key, 'anthropic-version': '2023-06-01' } })).json()) as Record<string, unknown>;
    expect(raw).toMatchObject({ has_more: false, first_id: 'llama-3.1-8b', last_id: 'qwen' });
  });

  it('answers an unknown model with 404 not_found_error in Anthropic’s shape, naming available models', async () => {
    const error = await anthropic(f.solo.key)
      .messages.create({ model: 'claude-opus-4-1', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('Available models: solo.') },
    });
  });

  it('answers a model the key may not use exactly like a missing one', async () => {
    const limited = (await h.createKey(f.orgId, { scope: [f.deployments.embed] })).key;
    const answer = async (model: string) => {
      const res = await fetch(`${h.orgUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': limited, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      });
      return { status: res.status, body: (await res.text()).replace(model, 'NAME') };
    };
    const hidden = await answer('qwen-coder');
    expect(hidden).toEqual(await answer('not-a-model'));
    expect(hidden.status).toBe(404);
    await expect(anthropic(limited).messages.countTokens({ model: 'claude-3-haiku', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const listed: string[] = [];
    for await (const model of anthropic(limited).models.list()) listed.push(model.id);
    expect(listed).toEqual(['nomic-embed']);
  });
});

describe('Claude Code’s billing header', () => {
  const claudeCodeRequest = (model: string) => ({
    model,
    max_tokens: 64,
    system: [
      { type: 'text' as const, text: BILLING },
      { type: 'text' as const, text: 'You are Claude Code, Anthropic’s official CLI for Claude.', cache_control: { type: 'ephemeral' as const } },
    ],
    messages: [{ role: 'user' as const, content: 'hi' }],
    metadata: { user_id: 'user_abc_session_1' },
    thinking: { type: 'enabled' as const, budget_tokens: 1024 },
  });
  const extras = { context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] }, output_config: { effort: 'medium' } };
  const headers = { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14', 'x-claude-code-session-id': 'session-1' };

  it('is removed from /v1/messages?beta=true on both base URLs, and only it; unknown fields and beta headers pass', async () => {
    for (const [baseURL, fake] of [
      [h.orgUrl, f.fakes.qwen],
      [h.deploymentUrl(f.deployments.qwen), f.fakes.qwen],
    ] as const) {
      // Claude Code's request: the SDK's types do not know every field it sends, so the body is cast.
      const body = { ...claudeCodeRequest('qwen-coder'), ...extras } as Anthropic.MessageCreateParamsNonStreaming;
      const message = await anthropic(f.key, baseURL).messages.create(body, { headers, query: { beta: 'true' } });
      expect(message.model).toBe('qwen-coder');
      const { lastBody, lastUrl, lastHeaders } = fake.stats();
      expect(lastUrl).toBe('/v1/messages?beta=true');
      const { system: sent, ...rest } = lastBody as Record<string, unknown>;
      const { system, ...expectedRest } = { ...claudeCodeRequest('qwen-coder'), ...extras };
      expect(sent).toEqual(system.slice(1));
      expect(rest).toEqual(expectedRest);
      expect(lastHeaders?.['anthropic-beta']).toBe(headers['anthropic-beta']);
      expect(lastHeaders?.['anthropic-version']).toBe('2023-06-01');
      expect(lastHeaders?.['x-claude-code-session-id']).toBe('session-1');
    }
  });

  it('is removed from count_tokens and from a streamed request', async () => {
    await client.messages.countTokens({ model: 'llama', system: claudeCodeRequest('x').system, messages: [{ role: 'user', content: 'hi' }] });
    expect((f.fakes.llama.stats().lastBody as { system: unknown }).system).toEqual([claudeCodeRequest('x').system[1]]);
    await client.messages.stream({ ...claudeCodeRequest('claude-3-5-haiku-x'), stream: true }).finalMessage();
    expect((f.fakes.llama.stats().lastBody as { system: unknown }).system).toEqual([claudeCodeRequest('x').system[1]]);
  });

  it('is removed from a system string, keeping the rest of it', async () => {
    await client.messages.create({ model: 'llama', max_tokens: 8, system: `${BILLING}\nYou are terse.`, messages: [{ role: 'user', content: 'hi' }] });
    expect((f.fakes.llama.stats().lastBody as { system: unknown }).system).toBe('You are terse.');
    await client.messages.create({ model: 'llama', max_tokens: 8, system: BILLING, messages: [{ role: 'user', content: 'hi' }] });
    expect(f.fakes.llama.stats().lastBody).not.toHaveProperty('system');
  });
});
