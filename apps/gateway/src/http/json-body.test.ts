import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseJsonBody } from './json-body';

const parse = (text: string | Buffer) => parseJsonBody(typeof text === 'string' ? Buffer.from(text) : text);
const refusal = (text: string | Buffer) => {
  const result = parse(text);
  if (result.ok) throw new Error(`expected a refusal for ${String(text)}`);
  return result.error;
};
const nested = (depth: number) => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

describe('parseJsonBody', () => {
  it('accepts a JSON object, including well-formed escapes and astral characters', () => {
    expect(parse('{"text":"caf\\u00e9 \\ud83d\\ude00 😀","n":[1,2.5,-3e10]}')).toEqual({ ok: true, value: { text: 'café 😀 😀', n: [1, 2.5, -3e10] } });
    expect(parse('{"literal":"\\\\u0000 and \\\\ud800 are text here"}').ok).toBe(true);
  });

  it.each([
    ['not JSON', '{nope', 'not valid JSON'],
    ['empty', '', 'not valid JSON'],
    ['truncated', '{"messages":[{"role":"us', 'not valid JSON'],
    ['an array', '[{"role":"user"}]', 'must be a JSON object'],
    ['a string', '"hello"', 'must be a JSON object'],
    ['null', 'null', 'must be a JSON object'],
  ])('refuses a body that is %s', (_name, body, message) => {
    expect(refusal(body)).toMatchObject({ status: 400, code: 'invalid_json', message: expect.stringContaining(message) });
  });

  it('refuses bytes that are not UTF-8, such as an encoded surrogate or an overlong form', () => {
    for (const bytes of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff]]) {
      const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(refusal(body)).toMatchObject({ status: 400, code: 'invalid_json', message: 'The request body is not valid UTF-8.' });
    }
  });

  it.each([
    ['a lone high surrogate', '{"messages":[{"role":"user","content":"x\\ud800"}]}', 'messages[0].content'],
    ['a lone low surrogate', '{"model":"\\udfff"}', 'model'],
    ['a reversed pair', '{"a":{"b":"\\udc00\\ud800"}}', 'a.b'],
    ['a high surrogate before a letter', '{"a":["ok","\\ud800\\u0041"]}', 'a[1]'],
    ['a NUL', '{"prompt":"a\\u0000b"}', 'prompt'],
    ['a lone surrogate in a key', '{"tools":[{"\\ud800":1}]}', 'a key of tools[0]'],
    ['a NUL in a key', '{"a\\u0000":1}', 'a key of the body'],
  ])('refuses %s, naming where it is', (_name, body, where) => {
    const error = refusal(body);
    expect(error).toMatchObject({ status: 400, code: 'invalid_unicode' });
    expect(error.message.startsWith(`${where} is not well-formed text`)).toBe(true);
  });

  it('refuses numbers too large to represent', () => {
    expect(refusal('{"max_tokens":1e999}')).toMatchObject({ code: 'invalid_json', message: 'max_tokens is a number too large to represent.' });
    expect(refusal('{"a":[0,-1e400]}').message).toBe('a[1] is a number too large to represent.');
    expect(parse('{"a":123456789012345678901234567890}').ok).toBe(true);
  });

  it(`accepts ${MAX_NESTING} levels of nesting and refuses more, however deep`, () => {
    expect(parse(nested(MAX_NESTING)).ok).toBe(true);
    expect(refusal(nested(MAX_NESTING + 1))).toMatchObject({ code: 'invalid_json', message: `The request body is nested deeper than ${MAX_NESTING} levels.` });
    expect(refusal(nested(500_000)).code).toBe('invalid_json');
  });

  it('counts only brackets outside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(MAX_NESTING);
    expect(parse(JSON.stringify({ text: brackets, quoted: `say \\"${brackets}\\"`, list: Array.from({ length: 300 }, () => [1]) })).ok).toBe(true);
  });
});
