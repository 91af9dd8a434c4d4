import { describe, expect, it } from 'vitest';
import { parseTarget } from '../routes';
import { checkRequestBody, SHAPE_CHECKS } from './request-shape';

const ID = 'dep_00000000000000000000000000';
const routeOf = (path: string) => {
  const target = parseTarget('POST', `/api/gguf/${ID}${path}`);
  if (target?.kind !== 'route') throw new Error(`not a POST route: ${path}`);
  return target.route;
};
const check = (path: string, body: unknown) => checkRequestBody(routeOf(path), Buffer.from(JSON.stringify(body)));
const errorOf = (path: string, body: unknown) => {
  const result = check(path, body);
  return result.ok ? undefined : result.error;
};

const user = { role: 'user', content: 'hi' };
const POST_PATHS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/messages', '/v1/messages/count_tokens', '/v1/rerank', '/tokenize', '/detokenize'];

describe('checkRequestBody', () => {
  it('has checks for every POST route', () => {
    expect(POST_PATHS.map((path) => routeOf(path).name).sort()).toEqual(Object.keys(SHAPE_CHECKS).sort());
  });

  it.each([
    ['/v1/chat/completions', { messages: [user], temperature: 'not ours to judge', stop: 5 }],
    [
      '/v1/chat/completions',
      {
        messages: [
          { role: 'system', content: null, name: 'x' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: {} }] },
          { role: 'assistant', tool_calls: [{ type: 'function', id: 'c1', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
        tool_choice: 'auto',
        chat_template_kwargs: { enable_thinking: false },
      },
    ],
    ['/v1/messages', { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't' }] }], tools: 'ignored by llama-server' }],
    ['/v1/messages', { model: 'claude', max_tokens: 1024, messages: [user], system: [{ type: 'text', text: 's' }] }],
    ['/v1/messages/count_tokens', { messages: [user] }],
    ['/v1/completions', { prompt: 'Once' }],
    ['/v1/completions', { prompt: ['a', 'b'] }],
    ['/v1/completions', { prompt: [1, 2, 'mixed'] }],
    ['/v1/completions', { prompt: [[1, 2], [3]] }],
    ['/v1/completions', { prompt: [[1, 'a'], 'b'] }],
    ['/v1/completions', { prompt: { prompt_string: 'x' } }],
    ['/v1/embeddings', { input: 'text', encoding_format: 'base64' }],
    ['/v1/embeddings', { content: ['a', 'b'] }],
    ['/v1/rerank', { query: 'q', documents: ['d'] }],
    ['/tokenize', { content: 'hello', with_pieces: true }],
    ['/tokenize', {}],
    ['/detokenize', { tokens: [1, 2, 3] }],
  ])('passes %s %j', (path, body) => {
    expect(check(path, body)).toMatchObject({ ok: true, value: body });
  });

  it.each([
    ['/v1/chat/completions', {}, 'messages'],
    ['/v1/chat/completions', { messages: [] }, 'messages'],
    ['/v1/chat/completions', { messages: 'hi' }, 'messages'],
    ['/v1/chat/completions', { messages: [user, 'hi'] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ content: 'no role' }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 5, content: 'x' }] }, 'messages'],
    ['/v1/chat/completions', { messages: [user], model: ['a'] }, 'model'],
    ['/v1/chat/completions', { messages: [user], model: null }, 'model'],
    ['/v1/chat/completions', { messages: [user], reasoning_format: 1 }, 'reasoning_format'],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: [{ text: 'no type' }] }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 'assistant', tool_calls: [{}] }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: {} } }] }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 'tool', content: 'x', tool_call_id: 5 }] }, 'messages'],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x', name: null }] }, 'messages'],
    ['/v1/chat/completions', { messages: [user], tools: 'anything' }, 'tools'],
    ['/v1/chat/completions', { messages: [user], tools: [{ type: 'function' }] }, 'tools'],
    ['/v1/chat/completions', { messages: [user], chat_template_kwargs: 'x' }, 'chat_template_kwargs'],
    ['/v1/messages', { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] }, 'messages'],
    ['/v1/messages', { max_tokens: 10 }, 'messages'],
    ['/v1/messages', { messages: [user] }, 'max_tokens'],
    ['/v1/messages', { messages: [user], max_tokens: '10' }, 'max_tokens'],
    ['/v1/messages', { messages: [user], max_tokens: 1.5 }, 'max_tokens'],
    ['/v1/messages', { messages: [user], max_tokens: 0 }, 'max_tokens'],
    ['/v1/messages', { messages: [user], max_tokens: 2 ** 31 }, 'max_tokens'],
    ['/v1/messages/count_tokens', { model: 'm' }, 'messages'],
    ['/v1/completions', {}, 'prompt'],
    ['/v1/completions', { prompt: [] }, 'prompt'],
    ['/v1/completions', { prompt: 5 }, 'prompt'],
    ['/v1/completions', { prompt: [{}] }, 'prompt'],
    ['/v1/completions', { prompt: [1, {}] }, 'prompt'],
    ['/v1/completions', { prompt: [['a']] }, 'prompt'],
    ['/v1/completions', { prompt: [1.5] }, 'prompt'],
    ['/v1/embeddings', {}, 'input'],
    ['/v1/embeddings', { input: null }, 'input'],
    ['/v1/embeddings', { input: 'x', encoding_format: 1 }, 'encoding_format'],
    ['/tokenize', { content: 5 }, 'content'],
    ['/tokenize', { content: [{}] }, 'content'],
    ['/detokenize', { tokens: 'abc' }, 'tokens'],
    ['/detokenize', { tokens: [-1] }, 'tokens'],
    ['/v1/rerank', { model: 1 }, 'model'],
  ])('refuses %s %j, naming %s', (path, body, param) => {
    expect(errorOf(path, body)).toMatchObject({ status: 400, code: 'invalid_request', param });
  });

  it('checks well-formedness before shape, on every POST route', () => {
    for (const path of POST_PATHS) {
      const result = checkRequestBody(routeOf(path), Buffer.from('{"messages":[{"role":"user","content":"\\ud800"}],"prompt":"x"}'));
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_unicode' } });
    }
  });
});
