import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

/**
 * docs/gateway.md, "Metering": a stream the caller abandons counts what was seen before it left. llama-server
 * reports usage in a stream's last OpenAI chunk, and in Anthropic's `message_start` (input, sent with the
 * first token) and final `message_delta` (output): so an OpenAI stream left partway is a request with no
 * tokens, and an Anthropic one a request with its input tokens.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' });
});
afterAll(() => h?.close());

const prompt = `Please repeat these words slowly: ${Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')}`;
// Slow enough that the caller leaves long before the end.
const slow = { headers: { 'x-fake-token-delay-ms': '50' } };

async function metered(apiKeyId: string) {
  const rows = await h.db.usageHourly.findMany({ where: { apiKeyId } });
  return { requests: rows.reduce((n, r) => n + Number(r.requests), 0), input: rows.reduce((n, r) => n + Number(r.inputTokens), 0), output: rows.reduce((n, r) => n + Number(r.outputTokens), 0) };
}

/** Waits until llama-server saw the caller go (the gateway aborted it) and the request is in usage_hourly. */
async function settled(apiKeyId: string, abortedBefore: number) {
  await eventually(() => h.fake.stats().aborted > abortedBefore);
  await eventually(async () => (await metered(apiKeyId)).requests === 1, 15_000);
  return metered(apiKeyId);
}

describe('an abandoned stream', () => {
  it('OpenAI: counts the request, with no tokens, since none were reported before the caller left', async () => {
    const { key, id } = await h.createKey(h.orgId);
    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl()}/v1`, maxRetries: 0 });
    const aborted = h.fake.stats().aborted;
    const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } }, slow);
    let tokens = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) tokens++;
      if (tokens === 3) break;
    }
    stream.controller.abort();
    expect(await settled(id, aborted)).toEqual({ requests: 1, input: 0, output: 0 });
  });

  it('Anthropic: counts the request and its input tokens, reported in message_start', async () => {
    const { key, id } = await h.createKey(h.orgId);
    const anthropic = new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(), maxRetries: 0 });
    const request = { model: 'local', max_tokens: 200, messages: [{ role: 'user' as const, content: prompt }] };
    const aborted = h.fake.stats().aborted;
    const stream = anthropic.messages.stream(request, slow);
    let texts = 0;
    let input: number | undefined;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') input = event.message.usage.input_tokens + (event.message.usage.cache_read_input_tokens ?? 0);
      if (event.type === 'content_block_delta' && ++texts === 3) stream.abort();
    });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(input).toBeGreaterThan(0);
    // The whole prompt, as count_tokens measures it (with another key: it is a metered request too).
    const counter = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
    const counted = await counter.messages.countTokens({ model: 'local', messages: request.messages });
    expect(counted.input_tokens).toBe(input);
    expect(await settled(id, aborted)).toEqual({ requests: 1, input, output: 0 });
  });

  it('while a stream read to its end counts every token', async () => {
    const { key, id } = await h.createKey(h.orgId);
    const anthropic = new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(), maxRetries: 0 });
    const final = await anthropic.messages.stream({ model: 'local', max_tokens: 200, messages: [{ role: 'user', content: prompt }] }).finalMessage();
    await eventually(async () => (await metered(id)).requests === 1, 15_000);
    const input = final.usage.input_tokens + (final.usage.cache_read_input_tokens ?? 0);
    expect(await metered(id)).toEqual({ requests: 1, input, output: final.usage.output_tokens });
    expect(final.usage.output_tokens).toBeGreaterThan(3);
  });
});
