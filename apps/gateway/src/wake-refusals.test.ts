import Anthropic from '@anthropic-ai/sdk';
import { freePort } from '@gguf/local-services';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { sleepingDeployments } from './test/sleeping-deployment';

/**
 * docs/gateway.md, "Held requests": how a held request ends when its deployment does not simply wake: past
 * `wake_timeout_s`, stopped or deleted meanwhile, the caller gone, or an upstream that fails once it runs.
 */
let h: Harness;
let sleepy: ReturnType<typeof sleepingDeployments>;

beforeAll(async () => {
  // An ejected upstream stays out until its deployment is ready again, however slow the machine.
  h = await startHarness({ GATEWAY_WAKE_COMMENT_INTERVAL_MS: '50', GATEWAY_UPSTREAM_EJECT_MS: '600000' });
  sleepy = sleepingDeployments(h);
});
afterAll(() => h?.close());

const chat = (content: string, stream = false) => ({ model: 'local', messages: [{ role: 'user' as const, content }], ...(stream ? { stream: true } : {}) });
const post = (id: string, body: unknown, options: { signal?: AbortSignal; dispatcher?: Agent } = {}) =>
  fetch(`${h.deploymentUrl(id)}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...options,
  } as RequestInit);
/** The last event of a stream, parsed; comments and [DONE] are not events with data. */
const lastEvent = (text: string) => JSON.parse(text.trimEnd().split('\n\n').at(-1)!.replace(/^event: \w+\n/, '').slice('data: '.length)) as Record<string, unknown>;

describe('a held request past its deployment’s wake_timeout_s', () => {
  it('is answered 503 deployment_waking with Retry-After, which the OpenAI SDK raises', async () => {
    const id = await sleepy.create({ wakeTimeoutS: 1 });
    const timeoutsBefore = (await h.gateway.context.metrics.wakeTimeouts.get()).values[0]?.value ?? 0;
    const res = await post(id, chat('never woken'));
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('deployment_waking');
    expect(body.error.message).toContain(id);
    expect(body.error.message).toContain('still starting');
    const error = await new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 }).chat.completions.create(chat('sdk')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((await h.gateway.context.metrics.wakeTimeouts.get()).values[0]?.value).toBe(timeoutsBefore + 2);
    expect(sleepy.held(id)).toBe(0);
  });

  it('ends a stream whose headers are out with a terminal error event, which both SDKs raise', async () => {
    const id = await sleepy.create({ wakeTimeoutS: 1 });
    const res = await post(id, chat('stream never woken', true));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`: waking ${id}`);
    expect(text).not.toContain('[DONE]');
    expect(lastEvent(text)).toMatchObject({ error: { type: 'server_error', code: 'deployment_waking', message: expect.stringContaining('still starting') } });

    const openai = new OpenAI({ apiKey: h.key, baseURL: `${h.deploymentUrl(id)}/v1`, maxRetries: 0 });
    const consume = async () => {
      for await (const _ of await openai.chat.completions.create(chat('sdk stream', true) as OpenAI.ChatCompletionCreateParamsStreaming));
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);

    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(id), maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content: 'anthropic' }] });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain('overloaded_error');
  });
});

describe('a held request whose deployment will not wake', () => {
  it('gets the not-running answer when the deployment is stopped meanwhile, streamed or not', async () => {
    const id = await sleepy.create();
    const plain = post(id, chat('plain'));
    const streamed = post(id, chat('streamed', true));
    await sleepy.untilHeld(id, 2);
    await sleepy.change(id, { status: 'stopped', desiredState: 'stopped' });
    const res = await plain;
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'deployment_not_running', message: expect.stringContaining('stopped') } });
    expect(lastEvent(await (await streamed).text())).toMatchObject({ error: { code: 'deployment_not_running' } });
  });

  it('gets 404 when the deployment is deleted meanwhile', async () => {
    const id = await sleepy.create();
    const plain = post(id, chat('plain'));
    await sleepy.untilHeld(id);
    await sleepy.change(id, { deletedAt: new Date() });
    const res = await plain;
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'deployment_not_found' } });
  });
});

describe('a caller that leaves while held', () => {
  it('stops being held at once: no count in flight is left behind and nothing reaches the deployment once it wakes', async () => {
    const id = await sleepy.create();
    const controllers = [new AbortController(), new AbortController()];
    // Their own pool, closed at the end: after an abort undici opens a spare connection that would hold the gateway's close.
    const dispatcher = new Agent();
    const requests = [post(id, chat('gone'), { signal: controllers[0]!.signal, dispatcher }), post(id, chat('gone too', true), { signal: controllers[1]!.signal, dispatcher })];
    await sleepy.untilHeld(id, 2);
    await eventually(async () => (await sleepy.inflight(id)) === 2);
    // The streamed one has its headers: it leaves mid-body.
    const streamed = await requests[1]!;
    for (const controller of controllers) controller.abort();
    await expect(requests[0]).rejects.toThrow();
    await expect(streamed.text()).rejects.toThrow();
    await eventually(() => sleepy.held(id) === 0);
    await eventually(async () => (await sleepy.inflight(id)) === 0);
    const fresh = await h.startFake();
    await sleepy.wake(id, fresh.url);
    // A request after the wake goes through; the two that left never reached the deployment.
    const after = await post(id, chat('after'));
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('after');
    expect(fresh.stats().inferenceRequests).toBe(1);
    await dispatcher.destroy();
  });
});

describe('a held stream whose deployment fails once it runs', () => {
  it('ends with an error event in the caller’s protocol: no connection, or an upstream error status', async () => {
    const refused = await sleepy.create({ wakeTimeoutS: 1 });
    const stream = post(refused, chat('nobody home', true));
    await sleepy.untilHeld(refused);
    // Loopback, nothing listening: the connection is refused. Nothing reached a server, so the request waits
    // again (held, its upstream ejected) until its wake timeout, which ends it with the timeout's error event.
    const retries = async () => (await h.gateway.context.metrics.upstreamRetries.get()).values.reduce((sum, { value }) => sum + value, 0);
    const before = await retries();
    await sleepy.wake(refused, `http://127.0.0.1:${await freePort()}`);
    expect(lastEvent(await (await stream).text())).toMatchObject({ error: { code: 'deployment_waking', type: 'server_error' } });
    expect(await retries()).toBe(before + 1);

    const noJinja = await h.startFake(['--no-jinja']);
    const id = await sleepy.create();
    const withTools = fetch(`${h.deploymentUrl(id)}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': h.key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', input_schema: { type: 'object' } }] }),
    });
    await sleepy.untilHeld(id);
    await sleepy.wake(id, noJinja.url);
    const text = await (await withTools).text();
    expect(text).toContain('event: error\n');
    // llama-server's 500 for tools without --jinja is the caller's mistake: Anthropic's invalid_request_error.
    expect(lastEvent(text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('a gateway shutting down', () => {
  it('answers its held requests 503 with Retry-After at once (streamed: an error event), so they retry elsewhere', async () => {
    const own = await startHarness();
    try {
      const sleeping = sleepingDeployments(own);
      const id = await sleeping.create();
      const send = (stream: boolean) =>
        fetch(`${own.deploymentUrl(id)}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${own.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(chat('held at shutdown', stream)),
        });
      const res = send(false);
      const streamed = send(true);
      await sleeping.untilHeld(id, 2);
      const closed = own.gateway.close();
      const answer = await res;
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(await answer.json()).toMatchObject({ error: { code: 'deployment_waking', message: expect.stringContaining('shutting down') } });
      expect(lastEvent(await (await streamed).text())).toMatchObject({ error: { code: 'deployment_waking' } });
      // The answered connections went with their answers: nothing holds the close.
      await closed;
    } finally {
      await own.close();
    }
  });
});
