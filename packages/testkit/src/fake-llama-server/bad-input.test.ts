import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

/** What llama-server does with bad input (see README "Bad input"): a gateway in front must be what prevents these 500s. */

const API_KEY = 'upstream-key';
let plain: FakeLlamaServer;
let jinja: FakeLlamaServer;

beforeAll(async () => {
  const env = { FAKE_LLAMA_LOAD_MS: '0' };
  [plain, jinja] = await Promise.all([
    startFakeLlamaServer({ args: ['--api-key', API_KEY, '--embeddings'], env }),
    startFakeLlamaServer({ args: ['--api-key', API_KEY, '--jinja'], env }),
  ]);
  await Promise.all([plain.ready, jinja.ready]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), jinja?.close()]);
});

async function post(server: FakeLlamaServer, path: string, body: string | Buffer | object) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: payload });
  return { status: res.status, body: (await res.json()) as { error: { message: string; code?: number; type: string } } };
}

const user = { role: 'user', content: 'hi' };
const llamaError = (code: number, message: string) => ({ error: { code, message, type: code === 500 ? 'server_error' : 'invalid_request_error' } });

describe('JSON llama-server’s parser rejects: 500 with the parser’s exception', () => {
  it('a lone surrogate anywhere, in either protocol’s shape', async () => {
    const chat = await post(jinja, '/v1/chat/completions', '{"messages":[{"role":"user","content":"\\ud800"}]}');
    expect(chat.status).toBe(500);
    expect(chat.body).toEqual(
      llamaError(500, `[json.exception.parse_error.101] parse error at line 1, column 46: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '"\\ud800"'`),
    );
    const messages = await post(jinja, '/v1/messages', '{"max_tokens":5,"messages":[],"metadata":{"\\udc00":1}}');
    expect(messages.status).toBe(500);
    expect(messages.body).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringMatching(/^\[json\.exception\.parse_error\.101\] .*must follow U\+D800\.\.U\+DBFF/) } });
    const tokenize = await post(jinja, '/tokenize', '{"content":"a\\udfffb"}');
    expect(tokenize.body.error.message).toMatch(/^\[json\.exception\.parse_error\.101\]/);
  });

  it('ill-formed UTF-8, invalid or empty JSON, and numbers a double cannot hold', async () => {
    const encodedSurrogate = Buffer.concat([Buffer.from('{"messages":[{"role":"user","content":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')]);
    for (const body of [encodedSurrogate, '{"messages":', '', '{"max_tokens":1e999,"messages":[]}']) {
      const res = await post(jinja, '/v1/chat/completions', body);
      expect(res.status).toBe(500);
      expect(res.body.error.message).toMatch(/^\[json\.exception\.(parse_error\.101|out_of_range\.406)\] /);
    }
  });

  it('reads any other top-level value as an object without fields', async () => {
    expect(await post(jinja, '/v1/chat/completions', '[1]')).toEqual({ status: 400, body: llamaError(400, "'messages' is required") });
    expect(await post(jinja, '/tokenize', '"text"')).toEqual({ status: 200, body: { tokens: [] } });
  });
});

describe('chat requests', () => {
  it('answers `messages: []` with 200 in both protocols', async () => {
    expect((await post(jinja, '/v1/chat/completions', { messages: [] })).status).toBe(200);
    expect((await post(jinja, '/v1/messages', { max_tokens: 5, messages: [] })).status).toBe(200);
  });

  it('fails /v1/messages and count_tokens without messages with a 500', async () => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      expect(await post(jinja, path, { max_tokens: 5 })).toEqual({ status: 500, body: { type: 'error', error: { type: 'api_error', message: "'messages' is required" } } });
    }
  });

  it('fails tools and a forced tool choice without --jinja, in both protocols', async () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    expect(await post(plain, '/v1/chat/completions', { messages: [user], tools })).toEqual({ status: 500, body: llamaError(500, 'tools param requires --jinja flag') });
    expect(await post(plain, '/v1/chat/completions', { messages: [user], tool_choice: 'required' })).toEqual({ status: 500, body: llamaError(500, 'tool_choice param requires --jinja flag') });
    expect((await post(plain, '/v1/messages', { max_tokens: 5, messages: [user], tools: [{ name: 'f', input_schema: {} }] })).body).toMatchObject({ error: { message: 'tools param requires --jinja flag' } });
    expect((await post(jinja, '/v1/chat/completions', { messages: [user], tools })).status).toBe(200);
  });

  it('checks messages as llama-server does: its own checks are 400s, its message parser’s failures 500s', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, "'messages' is required"],
      ['hi', 400, "Expected 'messages' to be an array"],
      [['hi'], 400, "All non-assistant messages must contain 'content'"],
      [[{ role: 'user', content: 5 }], 400, "Expected 'content' to be a string or an array"],
      [[{ content: 'no role' }], 500, `Failed to parse messages: Missing 'role' in message: {"content":"no role"}`],
      [[{ role: 5, content: 'x' }], 500, 'Failed to parse messages: [json.exception.type_error.302] type must be string, but is number'],
      [[{ role: 'user', content: [{ type: 'text' }] }], 500, "Failed to parse messages: [json.exception.out_of_range.403] key 'text' not found"],
      [[{ role: 'assistant', tool_calls: [{}] }], 500, 'Failed to parse messages: Missing tool call type: {}'],
      [[{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }], 500, 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj'],
    ];
    for (const [messages, status, message] of cases) {
      const body = typeof messages === 'object' && !Array.isArray(messages) ? messages : { messages };
      expect(await post(jinja, '/v1/chat/completions', body as object), JSON.stringify(messages)).toEqual({ status, body: llamaError(status, message) });
    }
    expect(await post(jinja, '/v1/chat/completions', { messages: [user], n: 2 })).toEqual({ status: 500, body: llamaError(500, 'Only one completion choice is allowed') });
  });
});

describe('other routes', () => {
  it('fails completions prompts and parameters it cannot take with 500s', async () => {
    const cases: [object, string][] = [
      [{}, '"prompt" is required'],
      [{ prompt: [] }, '"prompt" must not be empty'],
      [{ prompt: [{}] }, '"prompt" elements must be a string, a list of tokens, a JSON object containing a prompt string, or a list of mixed strings & tokens.'],
      [{ prompt: 'x', echo: true }, 'Only no echo is supported'],
      [{ prompt: 'x', best_of: 2 }, 'Unsupported param: best_of'],
    ];
    for (const [body, message] of cases) expect(await post(jinja, '/v1/completions', body), JSON.stringify(body)).toEqual({ status: 500, body: llamaError(500, message) });
  });

  it('fails wrong JSON types in embeddings, tokenize and detokenize with nlohmann’s type errors', async () => {
    const typeError = (expected: string, actual: string) => llamaError(500, `[json.exception.type_error.302] type must be ${expected}, but is ${actual}`);
    expect(await post(plain, '/v1/embeddings', { input: 'x', encoding_format: 5 })).toEqual({ status: 500, body: typeError('string', 'number') });
    expect(await post(jinja, '/tokenize', { content: 5 })).toEqual({ status: 500, body: typeError('string', 'number') });
    expect(await post(jinja, '/tokenize', { content: ['a', {}] })).toEqual({ status: 500, body: typeError('number', 'object') });
    expect(await post(jinja, '/detokenize', { tokens: 'abc' })).toEqual({ status: 500, body: typeError('array', 'string') });
    expect(await post(jinja, '/detokenize', { tokens: null })).toEqual({ status: 500, body: typeError('array', 'null') });
  });
});
