import { describe, expect, it } from 'vitest';
import { jsonTypeName, parseLlamaJson, typeError } from './nlohmann-json';

const messageOf = (body: string | Buffer) => {
  const result = parseLlamaJson(typeof body === 'string' ? Buffer.from(body) : body);
  if (result.ok) throw new Error(`expected ${String(body)} to fail`);
  return result.message;
};
const PARSE = '[json.exception.parse_error.101] parse error';

describe('parseLlamaJson', () => {
  it('parses what nlohmann accepts, a byte order mark included', () => {
    expect(parseLlamaJson(Buffer.from('{"a":[1,-2.5e3,"\\ud83d\\ude00",true,null],"b":{}}'))).toEqual({ ok: true, value: { a: [1, -2500, '😀', true, null], b: {} } });
    expect(parseLlamaJson(Buffer.from('\uFEFF {"a":1} \n'))).toEqual({ ok: true, value: { a: 1 } });
    expect(parseLlamaJson(Buffer.from('[]'))).toEqual({ ok: true, value: [] });
  });

  it('rejects lone surrogate escapes with parse_error.101', () => {
    expect(messageOf('{"a":"\\ud800"}')).toBe(
      `${PARSE} at line 1, column 13: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '"\\ud800"'`,
    );
    expect(messageOf('{"a":"\\udc00"}')).toBe(`${PARSE} at line 1, column 12: syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF; last read: '"\\udc00'`);
    expect(messageOf('{"a":"\\ud800\\u0041"}')).toContain('must be followed by U+DC00..U+DFFF');
    expect(messageOf('{"\\ud800":1}')).toBe(
      `${PARSE} at line 1, column 9: syntax error while parsing object key - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '"\\ud800"'; expected string literal`,
    );
  });

  it('words control characters and positions as llama-server logs show them', () => {
    // From a real llama-server log: a raw newline inside a string ends the line, so the column is 0.
    expect(messageOf('{"messages":"# Test\nmore"}')).toBe(
      `${PARSE} at line 2, column 0: syntax error while parsing value - invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; last read: '"# Test<U+000A>'`,
    );
    expect(messageOf('"\t"')).toBe(`${PARSE} at line 1, column 2: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t; last read: '"<U+0009>'`);
    expect(messageOf('{"a":"\u0000"}')).toContain('control character U+0000 (NUL) must be escaped to \\u0000;');
  });

  it('rejects ill-formed UTF-8, such as an encoded surrogate', () => {
    const body = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    expect(messageOf(body)).toMatch(/^\[json\.exception\.parse_error\.101\] parse error at line 1, column 9: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '"x/);
  });

  it('reports structural errors with nlohmann’s token names', () => {
    expect(messageOf('')).toBe(`${PARSE} at line 1, column 1: attempting to parse an empty input; check that your input string or stream contains the expected JSON`);
    expect(messageOf('{"a":}')).toBe(`${PARSE} at line 1, column 6: syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal`);
    expect(messageOf('{"a":1')).toBe(`${PARSE} at line 1, column 7: syntax error while parsing object - unexpected end of input; expected '}'`);
    expect(messageOf('{nope')).toBe(`${PARSE} at line 1, column 3: syntax error while parsing object key - invalid literal; last read: '{no'; expected string literal`);
    expect(messageOf('{"a" 1}')).toBe(`${PARSE} at line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'`);
    expect(messageOf('[1,]')).toBe(`${PARSE} at line 1, column 4: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal`);
    expect(messageOf('{} x')).toBe(`${PARSE} at line 1, column 4: syntax error while parsing value - invalid literal; last read: '{} x'; expected end of input`);
    expect(messageOf('{"a":-}')).toBe(`${PARSE} at line 1, column 7: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-}'`);
  });

  it('rejects numbers a double cannot hold with out_of_range.406', () => {
    expect(messageOf('{"max_tokens":1e999}')).toBe("[json.exception.out_of_range.406] number overflow parsing '1e999'");
    expect(messageOf(`[${'9'.repeat(400)}]`)).toMatch(/^\[json\.exception\.out_of_range\.406\] number overflow parsing '9{400}'$/);
    expect(parseLlamaJson(Buffer.from('[123456789012345678901234567890]')).ok).toBe(true);
  });
});

describe('type errors', () => {
  it('names types as nlohmann does', () => {
    expect([null, {}, [], 'x', true, 1.5].map(jsonTypeName)).toEqual(['null', 'object', 'array', 'string', 'boolean', 'number']);
    expect(typeError('string', 5)).toBe('[json.exception.type_error.302] type must be string, but is number');
  });
});
