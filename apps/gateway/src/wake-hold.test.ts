import Anthropic from '@anthropic-ai/sdk';
import { wakeWanted } from '@gguf/redis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';
import { sleepingDeployments } from './test/sleeping-deployment';

/**
 * docs/gateway.md, "Held requests": a request to a sleeping deployment is held while the workers wake it, then
 * answered as usual. The test plays the worker (sleeping-deployment.ts).
 */
let h: Harness;
let sleepy: ReturnType<typeof sleepingDeployments>;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_WAKE_COMMENT_INTERVAL_MS: '50' });
  sleepy = sleepingDeployments(h);
});
afterAll(() => h?.close());

const openai = (baseURL: string) => new OpenAI({ apiKey: h.key, baseURL, maxRetries: 0 });
const ask = (content: string) => ({ model: 'local', messages: [{ role: 'user' as const, content }] });

describe('a request to a sleeping deployment', () => {
  it('is held (and counted in flight) while the deployment wakes, then answered: OpenAI SDK', async () => {
    const id = await sleepy.create();
    const answer = openai(`${h.deploymentUrl(id)}/v1`).chat.completions.create(ask('are you awake?'));
    await sleepy.untilHeld(id);
    // The workers see it in flight, so they neither put it back to sleep nor forget it.
    await eventually(async () => (await sleepy.inflight(id)) === 1);
    await sleepy.wake(id);
    expect((await answer).choices[0]?.message.content).toContain('are you awake?');
    expect(sleepy.held(id)).toBe(0);
    await eventually(async () => (await sleepy.inflight(id)) === 0);
  });

  it('streams: 200 event-stream headers at once, `: waking` comments until it runs, then the stream', async () => {
    const id = await sleepy.create();
    const res = await fetch(`${h.deploymentUrl(id)}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('stream after waking'), stream: true }),
    });
    // The headers came before the deployment woke.
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-ratelimit-limit-requests')).not.toBeNull();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/: waking /g) ?? []).length < 2) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(text.startsWith(`: waking ${id}\n\n`)).toBe(true);
    await sleepy.wake(id);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    const content = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] });
    expect(content.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toContain('stream after waking');
  });

  it('streams through the OpenAI SDK, which skips the comments', async () => {
    const id = await sleepy.create();
    const stream = await openai(`${h.deploymentUrl(id)}/v1`).chat.completions.create({ ...ask('sdk stream'), stream: true });
    const read = (async () => {
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    })();
    await sleepy.untilHeld(id);
    await sleepy.wake(id);
    expect(await read).toContain('sdk stream');
  });

  it('streams through the Anthropic SDK', async () => {
    const id = await sleepy.create();
    const anthropic = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(id), maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: 'local', max_tokens: 64, messages: [{ role: 'user', content: 'anthropic after waking' }] });
    await sleepy.untilHeld(id);
    await sleepy.wake(id);
    const message = await stream.finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('anthropic after waking') });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('holds 20 concurrent requests and answers every one once the deployment runs', async () => {
    const id = await sleepy.create();
    const client = openai(`${h.deploymentUrl(id)}/v1`);
    const answers = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? client.chat.completions.create(ask(`request ${i}`)).then((completion) => completion.choices[0]?.message.content ?? '')
        : client.chat.completions.create({ ...ask(`request ${i}`), stream: true }).then(async (stream) => {
            let text = '';
            for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
            return text;
          }),
    );
    await sleepy.untilHeld(id, 20);
    expect(h.gateway.context.metrics.registry.getSingleMetric('gateway_held_requests')).toBeDefined();
    expect((await h.gateway.context.metrics.heldRequests.get()).values[0]?.value).toBe(20);
    await sleepy.wake(id);
    const texts = await Promise.all(answers);
    texts.forEach((text, i) => expect(text).toContain(`request ${i}`));
    expect((await h.gateway.context.metrics.heldRequests.get()).values[0]?.value).toBe(0);
  });

  it('is held on the organization endpoint too, once its model is resolved', async () => {
    const id = await sleepy.create({ modelName: 'dozing' });
    const answer = openai(`${h.orgUrl}/v1`).chat.completions.create({ ...ask('by model name'), model: 'dozing' });
    await sleepy.untilHeld(id);
    await sleepy.wake(id);
    const completion = await answer;
    expect(completion.model).toBe('dozing');
    expect(completion.choices[0]?.message.content).toContain('by model name');
  });

  it('is released when the deployment runs even if its change notification is lost (the gateway reads it again)', async () => {
    const id = await sleepy.create();
    const answer = openai(`${h.deploymentUrl(id)}/v1`).chat.completions.create(ask('no announcement'));
    await sleepy.untilHeld(id);
    await sleepy.wake(id, h.fake.url, false);
    expect((await answer).choices[0]?.message.content).toContain('no announcement');
  });

  it('asks for the wake again while it is held, in case a worker missed it', async () => {
    const id = await sleepy.create();
    const answer = openai(`${h.deploymentUrl(id)}/v1`).chat.completions.create(ask('ask again'));
    await sleepy.untilHeld(id);
    await sleepy.forgetWake(id);
    expect(await wakeWanted(h.redis, id)).toBe(false);
    await eventually(() => wakeWanted(h.redis, id), 10_000);
    await sleepy.wake(id);
    expect((await answer).choices[0]?.message.content).toContain('ask again');
  });
});
