import { describe, expect, it } from 'vitest';
import { renderPrompt } from './chat-template';
import type { Turn } from './conversation';
import { cachedTokenCount, chooseSlot, commonPrefixLength, type SlotState } from './prompt-cache';

const tokens = (text: string) => text.split(' ');

describe('the cached part of a prompt', () => {
  it('is the common prefix with what the slot holds, never the whole prompt, and nothing with cache_prompt off', () => {
    expect(commonPrefixLength(tokens('a b c d'), tokens('a b x d'))).toBe(2);
    expect(commonPrefixLength([], tokens('a'))).toBe(0);
    expect(cachedTokenCount(tokens('a b c d e'), tokens('a b c x'), true)).toBe(3);
    // One token is always computed, so the model has something to generate from.
    expect(cachedTokenCount(tokens('a b c'), tokens('a b c'), true)).toBe(2);
    expect(cachedTokenCount(tokens('a b c reply'), tokens('a b c'), true)).toBe(2);
    expect(cachedTokenCount(tokens('a b c'), [], true)).toBe(0);
    expect(cachedTokenCount(tokens('a b c'), tokens('a b c d'), false)).toBe(0);
  });
});

describe('slot choice (llama-server get_available_slot)', () => {
  const slot = (held: string, lastUsed: number, busy = false): SlotState => ({ busy, tokens: held === '' ? [] : tokens(held), lastUsed });
  const prompt = tokens('s s s u1 a1 u2');

  it.each([
    ['the idle slot covering most of the prompt', [slot('s s s u1', 0), slot('s s s u1 a1', 1), slot('', -1)], 0.1, 1],
    ['not a busy one, however similar', [slot('s s s u1', 0), slot('s s s u1 a1', 1, true)], 0.1, 0],
    ['the first of equally similar slots', [slot('s s s x', 3), slot('s s s y', 2)], 0.1, 0],
    ['the least recently used when no slot is similar enough', [slot('s x', 5), slot('q', 2), slot('s s x', 9)], 0.5, 1],
    ['the last never-used slot first, as llama-server’s `<=` picks it', [slot('', -1), slot('', -1), slot('', -1)], 0.1, 2],
    ['by use alone when similarity is off', [slot('s s s u1 a1', 4), slot('', -1)], 0, 1],
    ['none when all are busy', [slot('s', 0, true), slot('s s', 1, true)], 0.1, undefined],
  ] as const)('picks %s', (_case, slots, similarity, expected) => {
    expect(chooseSlot(slots, prompt, similarity)).toBe(expected);
  });

  it('places a prompt without tokens by use (embeddings, reranking)', () => {
    expect(chooseSlot([slot('s', 1), slot('s', 0)], [], 0.1)).toBe(1);
  });
});

describe('the chat template', () => {
  const system = (text: string): Turn => ({ role: 'system', text, toolResult: false });
  const user = (text: string): Turn => ({ role: 'user', text, toolResult: false });
  const tools = [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }];

  it('frames each turn with four tokens, puts the tools in the system turn and opens the reply with two', () => {
    const prompt = renderPrompt([system('Be brief.'), user('Hi there')], tools);
    expect(prompt.slice(0, 5)).toEqual(['<|im_start|>', 'system', 'Be', ' brief', '.']);
    expect(prompt.indexOf('Bash')).toBeLessThan(prompt.indexOf('Hi'));
    expect(prompt.slice(-2)).toEqual(['<|im_start|>', 'assistant']);
    const toolTokens = renderPrompt([], tools).length - 2;
    // Be, brief, ., Hi, there: 5 text tokens, 2 turns of 4, 2 to open the reply.
    expect(prompt).toHaveLength(5 + toolTokens + 2 * 4 + 2);
    expect(renderPrompt([user('Hi there')], tools).slice(0, 4)).toEqual(['[', '{', '"', 'name']);
  });

  it('renders a changed first system line as a change near the start, so little of the prompt is shared', () => {
    const rest = 'You are a coding agent. '.repeat(200);
    const before = renderPrompt([system(`x-anthropic-billing-header: cc_version=2.1.197.3af; cc_entrypoint=sdk-cli;\n${rest}`), user('Hi')], tools);
    const after = renderPrompt([system(`x-anthropic-billing-header: cc_version=2.1.197.9b2; cc_entrypoint=sdk-cli;\n${rest}`), user('Hi')], tools);
    expect(before.length).toBeGreaterThan(1000);
    expect(cachedTokenCount(before, after, true)).toBeLessThan(20);
    // Without the line, the next turn's prompt starts with the whole of this one (its reply opening included).
    const turn1 = renderPrompt([system(rest), user('Hi')], tools);
    const turn2 = renderPrompt([system(rest), user('Hi'), { role: 'assistant', text: 'Hello', toolResult: false }, user('More')], tools);
    expect(cachedTokenCount(turn1, turn2, true)).toBe(turn1.length);
  });
});
