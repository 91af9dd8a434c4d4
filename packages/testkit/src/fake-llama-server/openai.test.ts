import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

const API_KEY = 'upstream-key';
const MODEL = 'fake-model';
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' }, days: { type: 'integer' } }, required: ['location', 'days'] },
  },
};

let chat: FakeLlamaServer;
let embedder: FakeLlamaServer;
let client: OpenAI;
let embedClient: OpenAI;

beforeAll(async () => {
  const env = { FAKE_LLAMA_LOAD_MS: '0' };
  chat = await startFakeLlamaServer({ args: ['--api-key', API_KEY, '--alias', MODEL, '--jinja'], env });
  embedder = await startFakeLlamaServer({ args: ['--api-key', API_KEY, '-m', '/dev/null', '--embeddings'], env });
  await Promise.all([chat.ready, embedder.ready]);
  client = new OpenAI({ apiKey: API_KEY, baseURL: `${chat.url}/v1`, maxRetries: 0 });
  embedClient = new OpenAI({ apiKey: API_KEY, baseURL: `${embedder.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await Promise.all([chat?.close(), embedder?.close()]);
});

describe('models', () => {
  it('lists the served model under its alias, or the model file name', async () => {
    const page = await client.models.list();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ id: MODEL, object: 'model', owned_by: 'llamacpp' });
    expect((await embedClient.models.list()).data[0]?.id).toBe('null');
  });
});

describe('chat completions', () => {
  const messages = [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: 'Hello there, how are you today?' },
  ];

  it('answers with a deterministic reply and usage', async () => {
    const first = await client.chat.completions.create({ model: MODEL, messages });
    const second = await client.chat.completions.create({ model: MODEL, messages });
    expect(first.object).toBe('chat.completion');
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.choices[0]?.message).toEqual({ role: 'assistant', content: `This is a reply from ${MODEL} to: Hello there, how are you today?` });
    expect(first.choices[0]?.finish_reason).toBe('stop');
    const usage = first.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    // The same prompt again: its slot still holds it, so all but the last token come from the cache.
    expect(usage.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    expect(second.usage).toEqual({ ...usage, prompt_tokens_details: { cached_tokens: usage.prompt_tokens - 1 } });
    expect((first as unknown as { timings: { predicted_n: number } }).timings.predicted_n).toBe(usage.completion_tokens);
  });

  it('stops at max_tokens with finish_reason "length", and at stop strings', async () => {
    const truncated = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 3 });
    expect(truncated.choices[0]?.message.content).toBe('This is a');
    expect(truncated.choices[0]?.finish_reason).toBe('length');
    expect(truncated.usage?.completion_tokens).toBe(3);

    const stopped = await client.chat.completions.create({ model: MODEL, messages, stop: [' reply', 'xyz'] });
    expect(stopped.choices[0]?.message.content).toBe('This is a');
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams one chunk per token and reports usage when asked', async () => {
    const whole = await client.chat.completions.create({ model: MODEL, messages });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]?.message.content);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    expect(finish).toHaveProperty('timings');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
  });

  it('works with the SDK stream helper', async () => {
    const runner = client.chat.completions.stream({ model: MODEL, messages, max_tokens: 5 });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(deltas).toHaveLength(5);
    expect(final.choices[0]?.message.content).toBe(deltas.join(''));
    expect(final.choices[0]?.finish_reason).toBe('length');
  });

  it('calls a tool when the question asks for it, and answers the tool result in prose', async () => {
    const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
    const response = await client.chat.completions.create({ model: MODEL, messages: [question], tools: [WEATHER_TOOL] });
    const choice = response.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'example', days: 1 });

    const followUp = await client.chat.completions.create({
      model: MODEL,
      tools: [WEATHER_TOOL],
      messages: [question, choice.message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 24 degrees' }],
    });
    expect(followUp.choices[0]?.finish_reason).toBe('stop');
    expect(followUp.choices[0]?.message.content).toContain('Sunny, 24 degrees');
  });

  it('streams tool calls the SDK can assemble', async () => {
    const runner = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'call get_weather please' }], tools: [WEATHER_TOOL] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'example', days: 1 });
  });

  it('answers `messages: []` as llama-server does, and refuses a request without messages', async () => {
    const empty = await client.chat.completions.create({ model: MODEL, messages: [] });
    expect(empty.choices[0]?.message.content).toBe(`This is a reply from ${MODEL} to: `);
    const error = await client.chat.completions.create({ model: MODEL } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).error).toEqual({ code: 400, message: "'messages' is required", type: 'invalid_request_error' });
  });
});

describe('text completions', () => {
  it('completes a prompt, non-streaming and streaming', async () => {
    // Eight tokens: This, is, a, reply, from, fake, -, model.
    const whole = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 8 });
    expect(whole.object).toBe('text_completion');
    expect(whole.choices[0]).toMatchObject({ text: `This is a reply from ${MODEL}`, finish_reason: 'length', index: 0 });
    expect(whole.usage).toEqual({ prompt_tokens: 4, completion_tokens: 8, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 } });

    const stream = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 8, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(whole.choices[0]?.text);
  });
});

describe('embeddings', () => {
  it('returns deterministic unit vectors (base64 by default in the SDK, or floats)', async () => {
    const response = await embedClient.embeddings.create({ model: MODEL, input: ['first text', 'second text'] });
    expect(response.data).toHaveLength(2);
    const [a, b] = response.data.map((item) => item.embedding);
    expect(a).toHaveLength(16);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    expect(a).not.toEqual(b);
    expect(response.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });

    const floats = await embedClient.embeddings.create({ model: MODEL, input: 'first text', encoding_format: 'float' });
    floats.data[0]!.embedding.forEach((value, i) => expect(value).toBeCloseTo(a![i]!, 5));
  });

  it('answers 501 unless started with --embeddings, and an embedding server refuses chat', async () => {
    const refused = await client.embeddings.create({ model: MODEL, input: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as APIError).status).toBe(501);
    expect((refused as APIError).message).toContain('Start it with `--embeddings`');

    const noChat = await embedClient.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect((noChat as APIError).status).toBe(501);
  });
});
