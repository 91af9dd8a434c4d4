import { describe, expect, it } from 'vitest';
import { type Tokens, readUsage, usageInJson } from './usage';

describe('usageInJson', () => {
  it('finds the top-level usage wherever it sits, ignoring the word inside strings', () => {
    const body = JSON.stringify({ choices: [{ message: { content: 'what is "usage": {"prompt_tokens": 99}' } }], usage: { prompt_tokens: 4, completion_tokens: 2 }, timings: {} });
    expect(usageInJson(body)).toEqual({ prompt_tokens: 4, completion_tokens: 2 });
    expect(usageInJson(JSON.stringify({ model: 'm', usage: { prompt_tokens: 3, total_tokens: 3 }, data: [{ embedding: [0.1, 0.2] }] }))).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(usageInJson('{"id":"x"}')).toBeUndefined();
  });

  it('reads both protocols’ field names', () => {
    const tokens: Tokens = { input: 0, output: 0 };
    expect(readUsage({ input_tokens: 5, output_tokens: 6, cache_creation: { ephemeral: 1 } }, tokens)).toBe(true);
    expect(tokens).toEqual({ input: 5, output: 6 });
    expect(readUsage({ prompt_tokens: 1 }, tokens)).toBe(true);
    expect(tokens).toEqual({ input: 1, output: 6 });
    expect(readUsage(null, tokens)).toBe(false);
  });

  it('counts the prompt tokens read from the cache as input on Anthropic routes, as OpenAI’s prompt_tokens already does', () => {
    const tokens: Tokens = { input: 0, output: 0 };
    readUsage({ input_tokens: 11, cache_read_input_tokens: 12_229, output_tokens: 0 }, tokens);
    expect(tokens).toEqual({ input: 12_240, output: 0 });
    readUsage({ prompt_tokens: 12_240, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 12_229 } }, tokens);
    expect(tokens).toEqual({ input: 12_240, output: 3 });
    // A later event with only output (message_delta) leaves the input as it was.
    readUsage({ output_tokens: 7 }, tokens);
    expect(tokens).toEqual({ input: 12_240, output: 7 });
  });
});
