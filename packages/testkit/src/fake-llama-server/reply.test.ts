import { describe, expect, it } from 'vitest';
import { exampleArguments, limitText } from './reply';
import { countTokens, splitPieces } from './tokenizer';

describe('tokenizer', () => {
  it('splits into pieces that join back to the exact text', () => {
    const text = '  Hello,\tworld!\n\nÇa va? 3.14 ';
    expect(splitPieces(text).join('')).toBe(text);
    expect(splitPieces('Hello, world!')).toEqual(['Hello', ',', ' world', '!']);
    expect(countTokens('')).toBe(0);
  });
});

describe('limitText', () => {
  const text = 'one two three four five';

  it('cuts at max tokens or at the earliest stop string', () => {
    expect(limitText(text, { maxTokens: 2, stop: [], ignoreEos: false })).toEqual({ kind: 'text', pieces: ['one', ' two'], finish: 'length' });
    expect(limitText(text, { maxTokens: -1, stop: [' four', ' two'], ignoreEos: false })).toEqual({ kind: 'text', pieces: ['one'], finish: 'stop', stopSequence: ' two' });
    // A stop that comes after max_tokens does not win.
    expect(limitText(text, { maxTokens: 1, stop: [' four'], ignoreEos: false }).finish).toBe('length');
  });

  it('keeps generating to max_tokens with ignore_eos', () => {
    const reply = limitText(text, { maxTokens: 12, stop: [], ignoreEos: true });
    expect(reply.pieces).toHaveLength(12);
    expect(reply.pieces.join('')).toBe('one two three four five one two three four five one two');
    expect(reply.finish).toBe('length');
  });
});

describe('exampleArguments', () => {
  it('fills required properties with predictable values', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['c', 'f'] },
        days: { type: ['integer', 'null'] },
        detailed: { type: 'boolean', default: false },
        tags: { type: 'array' },
        where: { type: 'object', properties: { lat: { type: 'number' } }, required: ['lat'] },
        optional: { type: 'string' },
      },
      required: ['city', 'unit', 'days', 'detailed', 'tags', 'where'],
    };
    expect(exampleArguments(schema)).toEqual({ city: 'example', unit: 'c', days: 1, detailed: false, tags: [], where: { lat: 1 } });
  });
});
