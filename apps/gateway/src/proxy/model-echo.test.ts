import { describe, expect, it } from 'vitest';
import { ModelEcho } from './model-echo';

/** Feeds `text` in pieces of `size` bytes. */
function echo(model: string, text: string, size: number, once = true): string {
  const rewriter = new ModelEcho(model, once);
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(rewriter.push(bytes.subarray(i, i + size)));
  return Buffer.concat(out).toString('utf8');
}

const chat = {
  choices: [{ index: 0, message: { role: 'assistant', content: 'a "model":"x" {[' }, finish_reason: 'stop' }],
  created: 1,
  model: 'Qwen3-8B-Q4_K_M.gguf',
  usage: { prompt_tokens: 3, completion_tokens: 2 },
  nested: { model: 'kept' },
};

describe('ModelEcho', () => {
  it.each([1, 2, 7, 64, 100_000])('replaces the top-level model of a JSON body split every %i bytes, and nothing else', (size) => {
    const out = JSON.parse(echo('qwen-coder', JSON.stringify(chat), size)) as typeof chat;
    expect(out).toEqual({ ...chat, model: 'qwen-coder' });
  });

  it.each([
    ['spaces and newlines', '{ "id" : 1 ,\n "model"\t:  "m-1" , "x": [ {"model":"y"} ] }', '{ "id" : 1 ,\n "model"\t:  "claude-x" , "x": [ {"model":"y"} ] }'],
    ['an escaped quote in the old name', '{"model":"a\\"b\\\\","n":1}', '{"model":"claude-x","n":1}'],
    ['a model that is not a string', '{"model":null,"n":{"model":"z"}}', '{"model":null,"n":{"model":"z"}}'],
    ['a key longer than model', '{"models":"a","modelx":"b","model":"c"}', '{"models":"a","modelx":"b","model":"claude-x"}'],
    ['model as a value', '{"type":"model","model":"c"}', '{"type":"model","model":"claude-x"}'],
    ['an array at the top', '[{"model":"a"}]', '[{"model":"a"}]'],
    ['a multi-byte name', '{"content":"héllo 👋","model":"ü"}', '{"content":"héllo 👋","model":"claude-x"}'],
  ])('handles %s', (_, text, expected) => {
    for (const size of [1, 3, 1000]) expect(echo('claude-x', text, size)).toBe(expected);
  });

  it('writes the caller’s name as a JSON string, whatever it holds', () => {
    expect(JSON.parse(echo('a"b\\c\u2028', '{"model":"x"}', 1))).toEqual({ model: 'a"b\\c\u2028' });
  });

  it('relays the rest of a JSON body untouched once the model is replaced', () => {
    const rewriter = new ModelEcho('m', true);
    expect(rewriter.push(Buffer.from('{"model":"x",')).toString()).toBe('{"model":"m",');
    const rest = Buffer.from('"data":[{"model":"y"}]}');
    expect(rewriter.push(rest)).toBe(rest);
  });

  const openAiStream = [
    'data: {"choices":[{"index":0,"delta":{"content":"\\"model\\": {"}}],"created":1,"id":"c","model":"fake-model","object":"chat.completion.chunk"}\n\n',
    'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"created":1,"id":"c","model":"fake-model","object":"chat.completion.chunk"}\n\n',
    'data: [DONE]\n\n',
  ].join('');

  it.each([1, 5, 64, 10_000])('replaces the model of every OpenAI stream chunk, in chunks of %i bytes', (size) => {
    const out = echo('gpt-4o', openAiStream, size, false);
    expect(out).toBe(openAiStream.replaceAll('"model":"fake-model"', '"model":"gpt-4o"'));
  });

  it('replaces message.model in Anthropic’s message_start, and passes events without a model as they are', () => {
    const start = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"fake-model","usage":{"input_tokens":3}}}\n\n';
    const delta = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n';
    const rewriter = new ModelEcho('claude-sonnet-4-5', false);
    expect(rewriter.pushEvents(start).toString()).toBe(start.replace('fake-model', 'claude-sonnet-4-5'));
    expect(rewriter.pushEvents(delta)).toBe(delta);
    const other = 'event: x\ndata: {"type":"x","delta":{"model":"keep"},"message":"model"}\n\n';
    expect(rewriter.pushEvents(other).toString()).toBe(other);
  });
});
