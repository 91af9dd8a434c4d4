import { request } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '500', GATEWAY_MAX_BODY_BYTES: '4096' });
  openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl()}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
});
afterAll(() => h?.close());

const streamBody = (content: string) => JSON.stringify({ model: 'local', messages: [{ role: 'user', content }], stream: true, max_tokens: 50 });

describe('streaming', () => {
  it('relays each event while the upstream is still generating', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-token-delay-ms': '100' },
      body: streamBody('a fairly long question so that there are plenty of tokens'),
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('data: ');
    expect(h.fake.stats().active).toBe(1);
    await reader.cancel();
  });

  it('ends an OpenAI stream whose upstream dies with an error data line and no [DONE]', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-die-after-tokens': '2' },
      body: streamBody('tell me a long story'),
    });
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const lastEvent = text.trimEnd().split('\n\n').at(-1);
    expect(JSON.parse(lastEvent!.slice('data: '.length))).toMatchObject({ error: { type: 'server_error', code: 'upstream_error' } });

    const stream = await openai.chat.completions.create(
      { model: 'local', messages: [{ role: 'user', content: 'tell me a long story' }], stream: true },
      { headers: { 'x-fake-die-after-tokens': '2' } },
    );
    const consume = async () => {
      for await (const _ of stream);
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('ends an Anthropic stream whose upstream dies with an error event', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': h.key, 'content-type': 'application/json', 'x-fake-die-after-tokens': '2' },
      body: JSON.stringify({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'tell me a long story' }], stream: true }),
    });
    const text = await res.text();
    expect(text).not.toContain('message_stop');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);

    const stream = anthropic.messages.stream(
      { model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'tell me a long story' }] },
      { headers: { 'x-fake-die-after-tokens': '2' } },
    );
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    h.fake.resetStats();
    const controller = new AbortController();
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-token-delay-ms': '200' },
      body: streamBody('a question that takes a while to answer in full'),
      signal: controller.signal,
    });
    await res.body!.getReader().read();
    controller.abort();
    await eventually(() => h.fake.stats().aborted === 1 && h.fake.stats().active === 0);
  });
});

describe('time and size limits', () => {
  it('answers 504 when the upstream sends no first byte in time', async () => {
    const error = await openai.chat.completions
      .create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-first-byte-delay-ms': '3000' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
  });

  it('answers 413 for a body over the limit, in each protocol', async () => {
    const big = 'x'.repeat(5000);
    const openAiError = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: big }] }).catch((e: unknown) => e);
    expect(openAiError).toBeInstanceOf(OpenAI.APIError);
    expect((openAiError as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    const anthropicError = await anthropic.messages.create({ model: 'local', max_tokens: 10, messages: [{ role: 'user', content: big }] }).catch((e: unknown) => e);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(413);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const url = new URL(`${h.deploymentUrl()}/v1/chat/completions`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"model":"local","messages":[{"role":"user","content":"${'y'.repeat(3000)}`);
      req.write('y'.repeat(3000));
    });
    expect(status).toBe(413);
  });
});
