import { renderPrompt } from './chat-template';
import type { Exchange, Route } from './context';
import { anthropicTurns, isRecord, type Turn } from './conversation';
import { generate, GenerationError, type PromptRun, refuseGeneration, startPrompt, withSlot } from './generation';
import { randomId } from './ids';
import { limitsFrom, planReply, type TextReply, type ToolChoice, type ToolDef, type ToolReply } from './reply';
import { chatMessagesRefusal, jinjaRefusal } from './llama-checks';
import { EventStream } from './sse';

const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic Messages API routes, as llama-server serves them to the Anthropic SDK. */

function anthropicTools(tools: unknown): ToolDef[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) =>
    isRecord(tool) && typeof tool.name === 'string' ? [{ name: tool.name, schema: isRecord(tool.input_schema) ? tool.input_schema : {} }] : [],
  );
}

function anthropicToolChoice(choice: unknown): ToolChoice {
  if (!isRecord(choice)) return { mode: 'auto' };
  if (choice.type === 'none') return { mode: 'none' };
  if (choice.type === 'any') return { mode: 'any' };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { mode: 'named', name: choice.name };
  return { mode: 'auto' };
}

const textOr = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * llama-server's conversion of an Anthropic request to an OpenAI chat request, reduced to what its checks read:
 * the messages (text and image blocks kept as parts, tool_use as tool calls, tool_result as tool messages,
 * anything else dropped), whether there are tools, and the tool choice.
 */
function asChatRequest(body: Record<string, unknown>): { messages: unknown[]; tools: unknown[]; toolChoice: unknown } {
  const messages: unknown[] = body.system === undefined || body.system === null ? [] : [{ role: 'system', content: '' }];
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    const role = isRecord(message) ? textOr(message.role) : '';
    if (!isRecord(message) || !('content' in message)) {
      if (role !== 'assistant') messages.push(message);
      continue;
    }
    if (!Array.isArray(message.content)) {
      messages.push(message);
      continue;
    }
    const parts: unknown[] = [];
    const toolCalls: unknown[] = [];
    const toolResults: unknown[] = [];
    for (const block of message.content) {
      const type = isRecord(block) ? textOr(block.type) : '';
      const source = isRecord(block) && isRecord(block.source) ? textOr(block.source.type) : '';
      if (type === 'text') parts.push(block);
      else if (type === 'image' && (source === 'base64' || source === 'url')) parts.push({ type: 'image_url', image_url: { url: '' } });
      else if (type === 'tool_use') toolCalls.push({ id: '', type: 'function', function: { name: '', arguments: '{}' } });
      else if (type === 'tool_result') toolResults.push({ role: 'tool', tool_call_id: '', content: '' });
    }
    if (parts.length > 0 || toolCalls.length > 0) messages.push({ role, content: parts.length > 0 ? parts : '', ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
    messages.push(...toolResults);
  }
  const choice = isRecord(body.tool_choice) ? body.tool_choice.type : undefined;
  const toolChoice = choice === 'auto' ? 'auto' : choice === 'any' || choice === 'tool' ? 'required' : undefined;
  return { messages, tools: Array.isArray(body.tools) ? body.tools : [], toolChoice };
}

/**
 * What /v1/messages and /v1/messages/count_tokens share: llama-server's checks on the converted request (a
 * missing `messages` is a runtime error there, so a 500), then the conversation. Answers a refused request itself.
 */
function conversation(ex: Exchange): { turns: Turn[]; prompt: string[] } | undefined {
  const { messages, system, tools } = ex.body;
  if (messages === undefined) return void ex.fail(500, "'messages' is required");
  const chat = asChatRequest(ex.body);
  const refusal = jinjaRefusal(ex.server.args.jinja, chat.tools, chat.toolChoice) ?? chatMessagesRefusal(chat.messages);
  if (refusal) return void ex.fail(refusal.status, refusal.message);
  const turns = anthropicTurns(system, Array.isArray(messages) ? messages.filter(isRecord) : []);
  return { turns, prompt: renderPrompt(turns, tools) };
}

/** llama-server's Anthropic usage: `input_tokens` counts only what was computed, the cached rest is `cache_read_input_tokens`. */
function usage(run: PromptRun, outputTokens: number) {
  return { cache_read_input_tokens: run.cachedTokens, input_tokens: run.promptTokens - run.cachedTokens, output_tokens: outputTokens };
}

/** server-task.cpp's to_json_anthropic*: a stop word ends the turn like EOS does (the word is in stop_sequence). */
function stopReason(plan: TextReply | ToolReply): string {
  if (plan.kind === 'tool') return 'tool_use';
  return plan.finish === 'length' ? 'max_tokens' : 'end_turn';
}

async function messages(ex: Exchange): Promise<void> {
  const { body } = ex;
  const parsed = conversation(ex);
  if (!parsed) return;
  const { turns, prompt } = parsed;
  const promptTokens = prompt.length;
  if (refuseGeneration(ex, promptTokens)) return;

  const plan = planReply({
    model: ex.server.model,
    turns,
    tools: anthropicTools(body.tools),
    toolChoice: anthropicToolChoice(body.tool_choice),
    // llama-server is permissive where Anthropic's API is not: without max_tokens it generates up to 4096.
    limits: limitsFrom(body.max_tokens ?? DEFAULT_MAX_TOKENS, body.stop_sequences, false, ex.server.slotContext - promptTokens),
    fixedReply: ex.knobs.reply,
  });
  const stopSequence = plan.kind === 'text' ? (plan.stopSequence ?? null) : null;
  const toolUseId = randomId('toolu_');
  const message = { id: randomId('msg_'), type: 'message', role: 'assistant', model: ex.server.model };

  await withSlot(ex, prompt, async (lease) => {
    const run = startPrompt(ex, lease, prompt);
    if (body.stream !== true) {
      const done = await generate(ex, lease, run, plan.pieces, () => undefined);
      if (!done) return;
      if (done instanceof GenerationError) return ex.fail(500, done.message);
      const content =
        plan.kind === 'tool'
          ? [{ type: 'tool_use', id: toolUseId, name: plan.name, input: JSON.parse(plan.argumentsJson) as unknown }]
          : [{ type: 'text', text: plan.pieces.join('') }];
      ex.json(200, {
        ...message,
        content,
        stop_reason: stopReason(plan),
        stop_sequence: stopSequence,
        usage: usage(run, plan.pieces.length),
      });
      return;
    }

    const stream = new EventStream(ex, 'anthropic');
    // llama-server's first result (to_json_anthropic in server-task.cpp, when n_decoded is 1) carries message_start
    // and the block's start with the first token; it sends no ping.
    let opened = false;
    const open = () => {
      if (opened) return;
      opened = true;
      stream.event('message_start', {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: usage(run, 0) },
      });
      const block = plan.kind === 'tool' ? { type: 'tool_use', id: toolUseId, name: plan.name, input: {} } : { type: 'text', text: '' };
      stream.event('content_block_start', { type: 'content_block_start', index: 0, content_block: block });
    };
    const done = await generate(ex, lease, run, plan.pieces, (piece) => {
      open();
      const delta = plan.kind === 'tool' ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece };
      stream.event('content_block_delta', { type: 'content_block_delta', index: 0, delta });
    });
    if (!done) return;
    if (done instanceof GenerationError) return stream.fail(done.message);
    open();
    stream.event('content_block_stop', { type: 'content_block_stop', index: 0 });
    stream.event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(plan), stop_sequence: stopSequence },
      usage: { output_tokens: plan.pieces.length },
    });
    stream.event('message_stop', { type: 'message_stop' });
    stream.end();
  });
}

function countTokens(ex: Exchange): void {
  const parsed = conversation(ex);
  if (parsed) ex.json(200, { input_tokens: parsed.prompt.length });
}

export const anthropicRoutes: Route[] = [
  { method: 'POST', paths: ['/v1/messages'], handler: messages, flavor: 'anthropic', inference: true },
  { method: 'POST', paths: ['/v1/messages/count_tokens'], handler: countTokens, flavor: 'anthropic' },
];
