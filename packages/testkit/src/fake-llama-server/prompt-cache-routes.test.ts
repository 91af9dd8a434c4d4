import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

const MODEL = 'cache-model';
const env = { FAKE_LLAMA_LOAD_MS: '0' };
const SYSTEM = 'You are a careful coding agent. Read before you edit, and say what you changed. '.repeat(20);
const BILLING = (suffix: string) => `x-anthropic-billing-header: cc_version=2.1.197.${suffix}; cc_entrypoint=sdk-cli;`;
const TOOLS: Anthropic.Tool[] = [
  { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'Bash', description: 'Runs a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
];

let single: FakeLlamaServer;
let pair: FakeLlamaServer;
let anthropic: Anthropic;

beforeAll(async () => {
  single = await startFakeLlamaServer({ args: ['-a', MODEL, '--jinja', '-np', '1', '-c', '16384', '--metrics'], env });
  pair = await startFakeLlamaServer({ args: ['-a', MODEL, '--jinja', '-np', '2', '-c', '16384'], env });
  await Promise.all([single.ready, pair.ready]);
  anthropic = new Anthropic({ apiKey: 'unused', baseURL: single.url, maxRetries: 0 });
});

afterAll(async () => {
  await Promise.all([single?.close(), pair?.close()]);
});

function request(system: string[], messages: Anthropic.MessageParam[]): Anthropic.MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 50, system: system.map((text) => ({ type: 'text', text })), tools: TOOLS, messages };
}

async function promptSize(params: Anthropic.MessageCreateParamsNonStreaming): Promise<number> {
  const { model, system, tools, messages } = params;
  return (await anthropic.messages.countTokens({ model, system, tools, messages })).input_tokens;
}

describe('prompt caching on /v1/messages', () => {
  it('reads the previous turn and its reply from the slot, reporting the rest as input_tokens', async () => {
    const turn1 = request([BILLING('3af'), SYSTEM], [{ role: 'user', content: 'Hello there' }]);
    const first = await anthropic.messages.create(turn1);
    expect(first.usage).toEqual({ cache_read_input_tokens: 0, input_tokens: await promptSize(turn1), output_tokens: first.usage.output_tokens });

    const turn2 = request([BILLING('3af'), SYSTEM], [...turn1.messages, { role: 'assistant', content: first.content }, { role: 'user', content: 'And now?' }]);
    const second = await anthropic.messages.create(turn2);
    const size2 = await promptSize(turn2);
    const cached = second.usage.cache_read_input_tokens ?? 0;
    // Turn 1's prompt and the reply the slot generated after it: everything but the new user turn and the reply opening.
    expect(cached).toBe((await promptSize(turn1)) + first.usage.output_tokens);
    expect(cached + second.usage.input_tokens).toBe(size2);
    expect(cached / size2).toBeGreaterThan(0.95);
    expect(single.stats().prompts.at(-1)).toEqual({ path: '/v1/messages', slot: 0, promptTokens: size2, cachedTokens: cached });
  });

  it('reads almost nothing when the first system block changes, as with Claude Code’s billing line', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello there' }];
    await anthropic.messages.create(request([BILLING('3af'), SYSTEM], messages));
    const changed = await anthropic.messages.create(request([BILLING('9b2'), SYSTEM], messages));
    expect(changed.usage.cache_read_input_tokens).toBeLessThan(20);
    expect(changed.usage.input_tokens).toBeGreaterThan(500);
  });

  it('reports the cache in message_start and only output_tokens in message_delta when streaming, as llama-server does', async () => {
    const params = request([SYSTEM], [{ role: 'user', content: 'Stream this' }]);
    await anthropic.messages.create(params);
    const response = await fetch(`${single.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...params, stream: true }) });
    const events = (await response.text())
      .split('\n\n')
      .filter(Boolean)
      .map((block) => JSON.parse(block.split('\n')[1]!.replace(/^data: /, '')) as { type: string; message?: { usage: unknown }; usage?: unknown });
    const size = await promptSize(params);
    expect(events.find((e) => e.type === 'message_start')?.message?.usage).toEqual({ cache_read_input_tokens: size - 1, input_tokens: 1, output_tokens: 0 });
    expect(events.find((e) => e.type === 'message_delta')?.usage).toEqual({ output_tokens: expect.any(Number) });
  });

  it('reuses nothing for a request with cache_prompt: false', async () => {
    const params = request([SYSTEM], [{ role: 'user', content: 'No cache please' }]);
    await anthropic.messages.create(params);
    const uncached = await anthropic.messages.create({ ...params, cache_prompt: false } as Anthropic.MessageCreateParamsNonStreaming);
    expect(uncached.usage.cache_read_input_tokens).toBe(0);
  });
});

describe('prompt caching on the OpenAI routes', () => {
  it('reports cached_tokens within prompt_tokens, and cache_n beside the computed prompt_n in timings', async () => {
    const openai = new OpenAI({ apiKey: 'unused', baseURL: `${single.url}/v1`, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Hi' },
    ];
    const first = await openai.chat.completions.create({ model: MODEL, messages });
    const second = await openai.chat.completions.create({ model: MODEL, messages: [...messages, first.choices[0]!.message, { role: 'user', content: 'Again' }] });
    const usage = second.usage!;
    expect(usage.prompt_tokens_details?.cached_tokens).toBe(first.usage!.prompt_tokens + first.usage!.completion_tokens);
    const timings = (second as unknown as { timings: { cache_n: number; prompt_n: number } }).timings;
    expect(timings.cache_n).toBe(usage.prompt_tokens_details?.cached_tokens);
    expect(timings.cache_n + timings.prompt_n).toBe(usage.prompt_tokens);

    const completion = await openai.completions.create({ model: MODEL, prompt: 'Once upon a time there was', max_tokens: 3 });
    const again = await openai.completions.create({ model: MODEL, prompt: 'Once upon a time there was a fox', max_tokens: 3 });
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(completion.usage!.prompt_tokens);
  });

  it('counts only computed tokens in /metrics, as llama-server does', async () => {
    const { promptTokens, cachedTokens } = single.stats();
    expect(cachedTokens).toBeGreaterThan(0);
    const metrics = await (await fetch(`${single.url}/metrics`)).text();
    expect(metrics).toContain(`llamacpp:prompt_tokens_total ${promptTokens - cachedTokens}\n`);
  });
});

describe('slot choice', () => {
  it('sends each of two alternating conversations back to the slot that holds it', async () => {
    const client = new Anthropic({ apiKey: 'unused', baseURL: pair.url, maxRetries: 0 });
    const conversations = [`First project. ${SYSTEM}`, `Second project. ${SYSTEM}`].map((system) => ({ system, messages: [] as Anthropic.MessageParam[] }));
    for (const turn of [1, 2, 3]) {
      for (const conversation of conversations) {
        conversation.messages.push({ role: 'user', content: `Question ${turn}` });
        const reply = await client.messages.create({ model: MODEL, max_tokens: 20, system: conversation.system, messages: conversation.messages });
        conversation.messages.push({ role: 'assistant', content: reply.content });
      }
    }
    const prompts = pair.stats().prompts;
    // llama-server fills the last idle slot first; afterwards each conversation finds its own slot by its prefix.
    expect(prompts.map((p) => p.slot)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(prompts.slice(0, 2).map((p) => p.cachedTokens)).toEqual([0, 0]);
    for (const later of prompts.slice(2)) expect(later.cachedTokens / later.promptTokens).toBeGreaterThan(0.9);
  });
});
