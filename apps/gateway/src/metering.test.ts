import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './test/eventually';
import { type Harness, startHarness } from './test/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ GATEWAY_LAST_USED_INTERVAL_MS: '0' });
});
afterAll(() => h?.close());

describe('metering', () => {
  it('counts requests and tokens per key, deployment and model name from bodies and streams, and marks the key used', async () => {
    const deploymentId = await h.createDeployment(h.orgId);
    const { key, id: apiKeyId } = await h.createKey(h.orgId);
    const openai = new OpenAI({ apiKey: key, baseURL: `${h.deploymentUrl(deploymentId)}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: key, baseURL: h.deploymentUrl(deploymentId), maxRetries: 0 });
    const expected = { input: 0, output: 0 };
    const add = (input: number, output: number) => {
      expected.input += input;
      expected.output += output;
    };

    const completion = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    add(completion.usage!.prompt_tokens, completion.usage!.completion_tokens);

    const streamed = { input: 0, output: 0 };
    const stream = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Write a haiku' }], stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) if (chunk.usage) Object.assign(streamed, { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens });
    add(streamed.input, streamed.output);

    // The caller does not ask for usage here; the gateway still meters it. Same prompt, same deterministic reply, same counts.
    const hidden = await openai.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Write a haiku' }], stream: true });
    for await (const _ of hidden);
    add(streamed.input, streamed.output);

    const message = await anthropic.messages.create({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'Hello there' }] });
    // Anthropic's input_tokens leaves out what the prompt cache served; the meter counts every prompt token.
    const anthropicInput = (u: Anthropic.Usage) => u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
    add(anthropicInput(message.usage), message.usage.output_tokens);

    const final = await anthropic.messages.stream({ model: 'local', max_tokens: 100, messages: [{ role: 'user', content: 'Hello again' }] }).finalMessage();
    add(anthropicInput(final.usage), final.usage.output_tokens);

    await eventually(async () => {
      const rows = await h.db.usageHourly.findMany({ where: { apiKeyId, deploymentId } });
      return rows.length === 1 && rows[0]!.requests === 5n;
    });
    const [row] = await h.db.usageHourly.findMany({ where: { apiKeyId, deploymentId } });
    expect(expected.output).toBeGreaterThan(0);
    const { modelName } = await h.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(row).toMatchObject({ orgId: h.orgId, modelName, inputTokens: BigInt(expected.input), outputTokens: BigInt(expected.output) });
    await eventually(async () => (await h.db.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt !== null);
  });
});
