import Anthropic from '@anthropic-ai/sdk';
import { createLogger, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { testSecrets } from '@gguf/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

/**
 * docs/gateway.md, "Errors" and "Streaming": llama-server refusing the gateway's secret is a 502
 * `upstream_auth_failed`; an upstream silent past GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS ends the stream with a
 * terminal error.
 */
let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = createLogger('upstream-failures-test', 'warn', { write: (line: string) => void logLines.push(line) });
  h = await startHarness({ GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS: '300', GATEWAY_KEY_MAX_STREAMS: '0', GATEWAY_ORG_MAX_STREAMS: '0' }, logger);
});
afterAll(() => h?.close());

describe('a deployment whose llama-server refuses the gateway’s secret', () => {
  it('answers 502 upstream_auth_failed in each protocol and logs it, without the secret', async () => {
    const deploymentId = await h.createDeployment(h.orgId);
    const wrong = 'not-the-secret-llama-server-was-started-with';
    await h.db.deployment.update({
      where: { id: deploymentId },
      data: { upstreamSecret: testSecrets.seal(wrong, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, deploymentId)) },
    });
    const openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    const openaiError = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(openaiError).toBeInstanceOf(OpenAI.APIError);
    expect((openaiError as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((openaiError as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'server_error', code: 'upstream_auth_failed' });

    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(deploymentId), maxRetries: 0 });
    const anthropicError = await anthropic.messages.create({ model: 'local', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], stream: true }).catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });

    const raw = await fetch(`${h.deploymentUrl(deploymentId)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await raw.text();
    expect(raw.status).toBe(502);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(h.upstreamSecret);
    const refusals = logLines.filter((line) => line.includes('llama-server refused the upstream secret'));
    expect(refusals.length).toBe(3);
    expect(refusals.every((line) => JSON.parse(line).deploymentId === deploymentId)).toBe(true);
    expect(logLines.join('\n')).not.toContain(wrong);
  });
});

describe('an upstream silent past the idle timeout (300 ms against a 1 s token delay)', () => {
  const slow = { 'x-fake-token-delay-ms': '1000' };

  it('ends an OpenAI stream with an error data line, no [DONE], and frees the llama-server slot', async () => {
    h.fake.resetStats();
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', ...slow },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'tell me a long story' }], stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    const last = text.trimEnd().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length))).toMatchObject({ error: { type: 'server_error', code: 'upstream_error' } });
    await eventually(() => h.fake.stats().aborted === 1 && h.fake.stats().active === 0);

    const openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl()}/v1`, maxRetries: 0 });
    const consume = async () => {
      for await (const _ of await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'again' }], stream: true }, { headers: slow }));
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('ends an Anthropic stream with an error event and no message_stop', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': h.key, 'content-type': 'application/json', ...slow },
      body: JSON.stringify({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'tell me a long story' }], stream: true }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('message_stop');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);

    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
    await expect(anthropic.messages.stream({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'again' }] }, { headers: slow }).finalMessage()).rejects.toBeInstanceOf(
      Anthropic.APIError,
    );
  });

  it('lets a stream whose tokens come faster than the timeout run to its end', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json', 'x-fake-token-delay-ms': '20' },
      body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'a short story' }], stream: true }),
    });
    expect(await res.text()).toContain('data: [DONE]');
  });
});
