import { describe, expect, it } from 'vitest';
import { SseTap } from './sse-tap';

const openAiStream = [
  'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}],"object":"chat.completion.chunk"}\n\n',
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"object":"chat.completion.chunk"}\n\n',
  'data: {"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}\n\n',
  'data: [DONE]\n\n',
].join('');

/** Feeds `text` in pieces of `size` bytes and returns what the tap forwards. */
function relay(tap: SseTap, text: string, size: number): string {
  const bytes = Buffer.from(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += tap.push(bytes.subarray(i, i + size))?.toString() ?? '';
  return out;
}

describe('SseTap', () => {
  it.each([1, 7, 64, 10_000])('reads OpenAI usage and forwards every byte, in chunks of %i bytes', (size) => {
    const tap = new SseTap('openai', false);
    expect(relay(tap, openAiStream, size)).toBe(openAiStream);
    expect(tap.tokens).toEqual({ input: 7, output: 3 });
  });

  it.each([1, 13, 10_000])('drops the usage-only chunk the gateway asked for, in chunks of %i bytes', (size) => {
    const tap = new SseTap('openai', true);
    const out = relay(tap, openAiStream, size);
    expect(out).not.toContain('usage');
    expect(out).toContain('"finish_reason":"stop"');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(tap.tokens).toEqual({ input: 7, output: 3 });
  });

  it('reads Anthropic usage from message_start and message_delta', () => {
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":0}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the word usage"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":5}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    const tap = new SseTap('anthropic', false);
    expect(relay(tap, stream, 5)).toBe(stream);
    expect(tap.tokens).toEqual({ input: 12, output: 5 });
  });

  it.each([1, 9, 10_000])('takes out the error llama-server reports inside an OpenAI stream and keeps its message, in chunks of %i bytes', (size) => {
    const before = 'data: {"choices":[{"index":0,"delta":{"content":"an error"}}],"object":"chat.completion.chunk"}\n\n';
    const tap = new SseTap('openai', true);
    expect(relay(tap, `${before}data: {"error":{"code":500,"message":"Compute error.","type":"server_error"}}\n\n`, size)).toBe(before);
    expect(tap.upstreamError).toBe('Compute error.');
  });

  it.each([1, 9, 10_000])('takes out the error event llama-server sends on an Anthropic stream, in chunks of %i bytes', (size) => {
    const before = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"error"}}\n\n';
    const tap = new SseTap('anthropic', false);
    expect(relay(tap, `${before}event: error\ndata: {"code":500,"message":"Compute error.","type":"server_error"}\n\n`, size)).toBe(before);
    expect(tap.upstreamError).toBe('Compute error.');
  });

  it('names an upstream error without a message, and leaves text that only mentions errors alone', () => {
    const tap = new SseTap('openai', false);
    const mention = 'data: {"choices":[{"index":0,"delta":{"content":"\\"error\\": none"}}]}\n\n';
    expect(relay(tap, mention, 10_000)).toBe(mention);
    expect(tap.upstreamError).toBeUndefined();
    relay(tap, 'data: {"error":{}}\n\n', 10_000);
    expect(tap.upstreamError).toBe('The deployment failed while generating the response.');
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const text = 'data: {"choices":[{"delta":{"content":"héllo 👋"}}]}\n\n';
    expect(relay(new SseTap('openai', true), text, 1)).toBe(text);
  });
});
