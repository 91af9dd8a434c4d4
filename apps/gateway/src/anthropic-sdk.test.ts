import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test/harness';

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ apiKey: h.key, baseURL: h.deploymentUrl(), maxRetries: 0 });
});
afterAll(() => h?.close());

describe('the Anthropic SDK through the gateway', () => {
  it('creates a message with any model name; the caller key never reaches llama-server', async () => {
    const message = await client.messages.create({
      model: 'claude-whatever',
      max_tokens: 1024,
      system: 'You are a helpful assistant.',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    expect(message.content[0]?.type === 'text' && message.content[0].text).toContain('What is the capital of France?');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const seen = h.fake.stats().lastHeaders ?? {};
    expect(seen.authorization).toBe(`Bearer ${h.upstreamSecret}`);
    expect(seen['x-api-key']).toBeUndefined();
  });

  it('streams a message', async () => {
    const stream = client.messages.stream({ model: 'local', max_tokens: 1024, messages: [{ role: 'user', content: 'Write a story' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toContain('Write a story');
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('counts tokens', async () => {
    const counted = await client.messages.countTokens({ model: 'local', messages: [{ role: 'user', content: 'Hello world' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('carries tool definitions and returns tool use', async () => {
    const message = await client.messages.create({
      model: 'local',
      max_tokens: 1024,
      tools: [{ name: 'get_weather', description: 'Get current weather for a location', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { location: expect.any(String) } });
  });

  it('keeps the ?beta=true query string Claude Code sends', async () => {
    const res = await fetch(`${h.deploymentUrl()}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': h.key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219' },
      body: JSON.stringify({ model: 'local', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(h.fake.stats().lastUrl).toBe('/v1/messages?beta=true');
  });
});

describe('the Messages curl example of the product docs', () => {
  it('answers with a request-id header, streamed and not', async () => {
    const headers = { 'x-api-key': h.key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    const plain = await fetch(`${h.deploymentUrl()}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'local', max_tokens: 1024, messages: [{ role: 'user', content: 'What is the capital of France?' }] }),
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('request-id')).toMatch(/^req_/);
    expect(((await plain.json()) as { type: string }).type).toBe('message');

    const streamed = await fetch(`${h.deploymentUrl()}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'local', max_tokens: 1024, messages: [{ role: 'user', content: 'Write a haiku' }], stream: true }),
    });
    expect(streamed.headers.get('x-accel-buffering')).toBe('no');
    const text = await streamed.text();
    expect(text).toContain('event: message_start');
    expect(text.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
  });
});
