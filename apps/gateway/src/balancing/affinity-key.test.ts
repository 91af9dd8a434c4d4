import { describe, expect, it } from 'vitest';
import { affinityKey, PROMPT_PREFIX_BYTES } from './affinity-key';

const chat = (first: string, more: { role: string; content: string }[] = []) => ({ model: 'm', messages: [{ role: 'user', content: first }, ...more] });
const openai = (system: string, first: string, more: { role: string; content: string }[] = []) => ({ model: 'm', messages: [{ role: 'system', content: system }, { role: 'user', content: first }, ...more] });

describe('affinityKey', () => {
  it.each([
    ['Claude Code session header first', { 'x-claude-code-session-id': 'abc' }, { user: 'u1', ...chat('hi') }, { key: 'session:abc', source: 'session' }],
    ['OpenAI user', {}, { user: 'u1', ...chat('hi') }, { key: 'user:u1', source: 'user' }],
    ['Anthropic metadata.user_id', {}, { metadata: { user_id: 'u2' }, ...chat('hi') }, { key: 'user:u2', source: 'user' }],
    ['an empty user falls through to the prompt', {}, { user: '', ...chat('hi') }, { source: 'prompt' }],
    ['a user id that is not a string falls through', {}, { user: 42, ...chat('hi') }, { source: 'prompt' }],
    ['nothing to go by', {}, { model: 'm' }, undefined],
    ['no body (a GET)', {}, undefined, undefined],
  ] as const)('%s', (_name, headers, body, expected) => {
    const key = affinityKey(headers, body as Record<string, unknown> | undefined);
    if (expected === undefined) expect(key).toBeUndefined();
    else expect(key).toMatchObject(expected);
  });

  it('gives every turn of a conversation the same key, and another conversation another', () => {
    const system = 'You are terse.';
    const turn1 = { system, ...chat('Plan a trip') };
    const turn3 = { system, ...chat('Plan a trip', [{ role: 'assistant', content: 'Where to?' }, { role: 'user', content: 'Rome' }]) };
    const other = { system, ...chat('Write a poem') };
    expect(affinityKey({}, turn3)!.key).toBe(affinityKey({}, turn1)!.key);
    expect(affinityKey({}, other)!.key).not.toBe(affinityKey({}, turn1)!.key);
    // Tools are part of the prompt's start.
    expect(affinityKey({}, { ...turn1, tools: [{ name: 't' }] })!.key).not.toBe(affinityKey({}, turn1)!.key);
  });

  it('keys OpenAI conversations by their first message after the system prompt, and by the system prompt too', () => {
    const turn1 = affinityKey({}, openai('Be terse.', 'Plan a trip'))!.key;
    expect(affinityKey({}, openai('Be terse.', 'Plan a trip', [{ role: 'assistant', content: 'Where?' }, { role: 'user', content: 'Rome' }]))!.key).toBe(turn1);
    expect(affinityKey({}, openai('Be terse.', 'Write a poem'))!.key).not.toBe(turn1);
    expect(affinityKey({}, openai('Be verbose.', 'Plan a trip'))!.key).not.toBe(turn1);
  });

  it('reads only the first 4 KB of the first message and of the system prompt, and bounds long ids', () => {
    const long = 'x'.repeat(PROMPT_PREFIX_BYTES);
    expect(affinityKey({}, chat(`${long}a`))!.key).toBe(affinityKey({}, chat(`${long}b`))!.key);
    // A system prompt longer than 4 KB does not crowd out the conversation's own first message.
    expect(affinityKey({}, openai(`${long}a`, 'Plan a trip'))!.key).toBe(affinityKey({}, openai(`${long}b`, 'Plan a trip'))!.key);
    expect(affinityKey({}, openai(long, 'Plan a trip'))!.key).not.toBe(affinityKey({}, openai(long, 'Write a poem'))!.key);
    expect(affinityKey({}, { system: long, messages: [{ role: 'user', content: 'a' }] })!.key).not.toBe(affinityKey({}, { system: long, messages: [{ role: 'user', content: 'b' }] })!.key);
    const huge = affinityKey({ 'x-claude-code-session-id': 's'.repeat(10_000) }, undefined)!;
    expect(huge.key.length).toBeLessThan(100);
  });

  it('keys completions and embeddings by their prompt or input', () => {
    expect(affinityKey({}, { prompt: 'Once upon' })).toMatchObject({ source: 'prompt' });
    expect(affinityKey({}, { input: ['a', 'b'] })).toMatchObject({ source: 'prompt' });
  });
});
