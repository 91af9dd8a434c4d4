import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

const API_KEY = 'upstream-key';
const MODEL = 'claude-local';
const WEATHER_TOOL: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather',
  input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location', 'unit'] },
};

let fake: FakeLlamaServer;
let client: Anthropic;

beforeAll(async () => {
  fake = await startFakeLlamaServer({ args: ['--api-key', API_KEY, '-a', MODEL, '--jinja'], env: { FAKE_LLAMA_LOAD_MS: '0' } });
  await fake.ready;
  client = new Anthropic({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 0 });
});

afterAll(async () => {
  await fake?.close();
});

const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Tell me about GGUF files.' }];

describe('messages', () => {
  it('answers with a text block and usage that count_tokens agrees with', async () => {
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, system: 'You are terse.', messages });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: `This is a reply from ${MODEL} to: Tell me about GGUF files.` }]);

    const counted = await client.messages.countTokens({ model: MODEL, system: 'You are terse.', messages });
    expect(counted.input_tokens).toBe(message.usage.input_tokens);
    // This, is, a, reply, from, claude, -, local, to, :, Tell, me, about, GGUF, files, .
    expect(message.usage.output_tokens).toBe(16);
  });

  it('reports max_tokens, and a stop sequence as llama-server does: end_turn, with the sequence named', async () => {
    const short = await client.messages.create({ model: MODEL, max_tokens: 2, messages });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.content).toEqual([{ type: 'text', text: 'This is' }]);

    const stopped = await client.messages.create({ model: MODEL, max_tokens: 100, stop_sequences: [' from'], messages });
    expect(stopped).toMatchObject({ stop_reason: 'end_turn', stop_sequence: ' from', content: [{ type: 'text', text: 'This is a reply' }] });
  });

  it('streams text deltas the SDK assembles into the same message', async () => {
    const whole = await client.messages.create({ model: MODEL, max_tokens: 100, messages });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();

    expect(deltas.join('')).toBe((whole.content[0] as Anthropic.TextBlock).text);
    expect(final.content).toEqual(whole.content);
    expect(final.usage).toMatchObject({ input_tokens: whole.usage.input_tokens, output_tokens: deltas.length });
    expect(final.stop_reason).toBe('end_turn');
  });

  it('frames every event as `event: <type>` plus `data: <json>` in Anthropic order', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 3, stream: true, messages }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const blocks = (await response.text()).split('\n\n').filter(Boolean);
    const types = blocks.map((block) => {
      const [eventLine, dataLine, ...rest] = block.split('\n');
      expect(rest).toEqual([]);
      const type = eventLine?.replace(/^event: /, '');
      expect((JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string }).type).toBe(type);
      return type;
    });
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('holds its status and headers until the first token: a failure before it is an ordinary error answer', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', 'x-fake-error-after-tokens': '0' },
      body: JSON.stringify({ model: MODEL, max_tokens: 3, stream: true, messages }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'Compute error.' } });
  });

  it('reports a failure during generation inside the 200 stream as an error event, then ends the stream', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', 'x-fake-error-after-tokens': '2' },
      body: JSON.stringify({ model: MODEL, max_tokens: 100, stream: true, messages }),
    });
    expect(response.status).toBe(200);
    const blocks = (await response.text()).split('\n\n').filter(Boolean);
    expect(blocks.map((block) => block.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: error',
    ]);
    expect(JSON.parse(blocks.at(-1)!.split('\n')[1]!.slice('data: '.length))).toEqual({ code: 500, message: 'Compute error.', type: 'server_error' });

    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages }, { headers: { 'x-fake-error-after-tokens': '2' } });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as APIError).error).toEqual({ code: 500, message: 'Compute error.', type: 'server_error' });
  });

  it('uses a tool when asked, then answers its result', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: "What's the weather in Lyon?" };
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, tools: [WEATHER_TOOL], messages: [question] });
    expect(message.stop_reason).toBe('tool_use');
    const toolUse = message.content[0];
    if (toolUse?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { location: 'example', unit: 'celsius' } });
    expect(toolUse.id).toMatch(/^toolu_/);

    const answer = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [question, { role: 'assistant', content: message.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Rain, 12C' }] }],
    });
    expect(answer.stop_reason).toBe('end_turn');
    expect((answer.content[0] as Anthropic.TextBlock).text).toContain('Rain, 12C');
  });

  it('streams a tool call as input_json_delta', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'please use get_weather' }] });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'example', unit: 'celsius' } });
  });

  it('is as permissive as llama-server about max_tokens, and fails like it without messages', async () => {
    const message = await client.messages.create({ model: MODEL, messages } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.stop_reason).toBe('end_turn');
    const error = await client.messages.create({ model: MODEL, max_tokens: 10 } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as APIError).error).toEqual({ type: 'error', error: { type: 'api_error', message: "'messages' is required" } });
  });
});
