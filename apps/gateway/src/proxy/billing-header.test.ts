import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../http/json-body';
import { withoutBillingHeader } from './billing-header';

const BILLING = 'x-anthropic-billing-header: cc_version=2.1.197.3af; cc_entrypoint=sdk-cli;';

/** Runs the removal on raw JSON text; returns the text sent on and the parsed object as updated. */
function strip(text: string): { sent: string; parsed: unknown } {
  const parsed = parseJsonBody(Buffer.from(text));
  if (!parsed.ok) throw new Error('test body must parse');
  const sent = withoutBillingHeader(Buffer.from(text), parsed.value).toString('utf8');
  expect(JSON.parse(sent)).toEqual(parsed.value);
  return { sent, parsed: parsed.value };
}

describe('withoutBillingHeader', () => {
  it('removes the first system block when it is the billing header, and keeps every other byte', () => {
    const text = `{"model":"qwen", "system" : [ {"type":"text","text":"${BILLING}"} ,\n  {"type":"text","text":"You are Claude Code, caf\\u00e9","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567890,"x":1.50}`;
    expect(strip(text).sent).toBe(
      `{"model":"qwen", "system" : [ {"type":"text","text":"You are Claude Code, caf\\u00e9","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567890,"x":1.50}`,
    );
  });

  it.each([
    ['the only system block', `{"system":[{"type":"text","text":"${BILLING}"}],"max_tokens":8}`, '{"max_tokens":8}'],
    ['the only block, system last', `{"max_tokens":8, "system":[{"type":"text","text":"${BILLING}"}]}`, '{"max_tokens":8}'],
    ['a string that is only the line', `{"system":"${BILLING}","max_tokens":8}`, '{"max_tokens":8}'],
    ['a string that is the line and a newline', `{"system":"${BILLING}\\n","max_tokens":8}`, '{"max_tokens":8}'],
    ['a string starting with the line', `{"system":"${BILLING}\\nYou are helpful.\\n\\nBe brief.","max_tokens":8}`, '{"system":"You are helpful.\\n\\nBe brief.","max_tokens":8}'],
    ['the only member', `{"system":"${BILLING}"}`, '{}'],
  ])('drops %s', (_, text, expected) => {
    expect(strip(text).sent).toBe(expected);
  });

  it.each([
    ['no system', '{"max_tokens":8}'],
    ['a billing block that is not first', `{"system":[{"type":"text","text":"You are helpful."},{"type":"text","text":"${BILLING}"}]}`],
    ['a first block that only mentions it', `{"system":[{"type":"text","text":"About x-anthropic-billing-header: nothing"},{"type":"text","text":"b"}]}`],
    ['a first block that is not text', `{"system":[{"type":"image","text":"${BILLING}"},{"type":"text","text":"b"}]}`],
    ['the line not at the start of the string', `{"system":" ${BILLING}"}`],
    ['a system object', `{"system":{"type":"text","text":"${BILLING}"}}`],
    ['system named twice', `{"system":"a","system":[{"type":"text","text":"${BILLING}"},{"type":"text","text":"b"}]}`],
  ])('leaves a request with %s untouched', (_, text) => {
    expect(strip(text).sent).toBe(text);
  });

  it('updates the parsed request to what is sent', () => {
    const { parsed } = strip(`{"system":[{"type":"text","text":"${BILLING}"},{"type":"text","text":"b"}],"model":"m"}`);
    expect(parsed).toEqual({ system: [{ type: 'text', text: 'b' }], model: 'm' });
  });

  it('finds system after a large messages array with strings full of brackets and escaped quotes', () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({ role: 'user', content: `turn ${i}: {"a":[1,2,"\\"]"]} \\ "system"` }));
    const text = JSON.stringify({ model: 'm', messages, system: [{ type: 'text', text: BILLING }, { type: 'text', text: 'You are Claude Code.' }], tools: [] });
    const { sent } = strip(text);
    expect(sent).toBe(JSON.stringify({ model: 'm', messages, system: [{ type: 'text', text: 'You are Claude Code.' }], tools: [] }));
  });
});
