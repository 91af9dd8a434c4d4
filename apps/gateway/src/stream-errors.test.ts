import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import { createLogger } from '@gguf/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

/**
 * llama-server reports a generation that fails partway inside its 200 stream and then ends the stream normally
 * (the fake's x-fake-error-after-tokens). The gateway must not count that as a success.
 */

const lines: Record<string, unknown>[] = [];
let h: Harness;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  h = await startHarness({}, createLogger('gateway-test', 'info', sink));
});
afterAll(() => h?.close());

const FAIL_AFTER_THREE = { headers: { 'x-fake-error-after-tokens': '3' } };
const question = 'Tell me a long story about GGUF files';

/** A deployment and key of their own, so the usage row is this test's alone. */
async function freshTarget() {
  const deploymentId = await h.createDeployment(h.orgId);
  const { key, id: apiKeyId } = await h.createKey(h.orgId);
  return { deploymentId, key, apiKeyId };
}

async function usageRow(apiKeyId: string, deploymentId: string) {
  await eventually(async () => (await h.db.usageHourly.count({ where: { apiKeyId, deploymentId } })) === 1);
  return h.db.usageHourly.findFirstOrThrow({ where: { apiKeyId, deploymentId } });
}

async function logLine(requestId: string) {
  await eventually(() => lines.some((line) => line.requestId === requestId));
  return lines.find((line) => line.requestId === requestId)!;
}

describe('an error llama-server reports inside a 200 stream', () => {
  it('OpenAI: the tokens before it, then the gateway’s error event (no [DONE]); logged as a failure, usage as seen', async () => {
    const { deploymentId, key, apiKeyId } = await freshTarget();
    const res = await fetch(`${h.deploymentUrl(deploymentId)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...FAIL_AFTER_THREE.headers },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: question }], stream: true }),
    });
    expect(res.status).toBe(200);
    const events = (await res.text()).trimEnd().split('\n\n');
    expect(events).not.toContain('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)) as OpenAI.ChatCompletionChunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('This is a');
    expect(JSON.parse(events.at(-1)!.slice('data: '.length))).toEqual({
      error: { message: 'Compute error.', type: 'server_error', param: null, code: 'upstream_error' },
    });

    const line = await logLine(res.headers.get('x-request-id')!);
    expect(line).toMatchObject({ level: 40, msg: 'request failed', status: 200, result: 'upstream_error_mid_stream', streamed: true });
    // No usage chunk came before the error: nothing was seen to count, but the request is.
    expect(await usageRow(apiKeyId, deploymentId)).toMatchObject({ requests: 1n, inputTokens: 0n, outputTokens: 0n });

    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: question }], stream: true }, FAIL_AFTER_THREE);
    const consume = async () => {
      for await (const _ of stream);
    };
    const error = await consume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Compute error.');
  });

  it('Anthropic: the events before it, then the gateway’s error event (no message_stop); the input tokens of message_start are metered', async () => {
    const { deploymentId, key, apiKeyId } = await freshTarget();
    const anthropic = new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(deploymentId), maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: question }] }, FAIL_AFTER_THREE);
    const seen: string[] = [];
    let promptTokens = 0;
    stream.on('streamEvent', (event) => {
      seen.push(event.type);
      if (event.type === 'message_start') promptTokens = event.message.usage.input_tokens + (event.message.usage.cache_read_input_tokens ?? 0);
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({ type: 'error', error: { type: 'api_error', message: 'Compute error.' } });
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta']);
    expect(promptTokens).toBeGreaterThan(0);

    const row = await usageRow(apiKeyId, deploymentId);
    expect(row).toMatchObject({ requests: 1n, inputTokens: BigInt(promptTokens), outputTokens: 0n });
    const failed = lines.filter((line) => line.result === 'upstream_error_mid_stream' && line.deploymentId === deploymentId);
    expect(failed).toMatchObject([{ level: 40, route: 'messages', status: 200, inputTokens: promptTokens, outputTokens: 0 }]);
  });

  it('counts each such stream as an upstream error', async () => {
    const counted = async () => (await h.gateway.context.metrics.upstreamErrors.get()).values.find((v) => v.labels.kind === 'error_event_mid_stream')?.value ?? 0;
    const before = await counted();
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', ...FAIL_AFTER_THREE.headers },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: question }], stream: true }),
    });
    await res.text();
    await eventually(async () => (await counted()) === before + 1);
  });
});
