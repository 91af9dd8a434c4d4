import type { Exchange, Route } from './context';
import { anthropicTurns, isRecord, promptTokenCount, type Turn } from './conversation';
import { generate, refuseGeneration, withSlot } from './generation';
import { randomId } from './ids';
import { limitsFrom, planReply, type TextReply, type ToolChoice, type ToolDef, type ToolReply } from './reply';
import { startEventStream, writeEvent } from './sse';

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

/** Validates what /v1/messages and /v1/messages/count_tokens share; answers the request and returns undefined when invalid. */
function conversation(ex: Exchange): { turns: Turn[]; promptTokens: number } | undefined {
  const { messages, system, tools } = ex.body;
  if (messages === undefined) return void ex.fail(400, 'messages: Field required');
  if (!Array.isArray(messages) || messages.length === 0) return void ex.fail(400, 'messages: at least one message is required');
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return void ex.fail(400, `messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
  }
  const turns = anthropicTurns(system, messages as Record<string, unknown>[]);
  return { turns, promptTokens: promptTokenCount(turns, tools) };
}

function stopReason(plan: TextReply | ToolReply): string {
  if (plan.kind === 'tool') return 'tool_use';
  if (plan.finish === 'length') return 'max_tokens';
  return plan.stopSequence === undefined ? 'end_turn' : 'stop_sequence';
}

async function messages(ex: Exchange): Promise<void> {
  const { body, res } = ex;
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined) return ex.fail(400, 'max_tokens: Field required');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return ex.fail(400, 'max_tokens: Input should be a valid integer greater than or equal to 1');
  }
  const parsed = conversation(ex);
  if (!parsed) return;
  const { turns, promptTokens } = parsed;
  if (refuseGeneration(ex, promptTokens)) return;

  const plan = planReply({
    model: ex.server.model,
    turns,
    tools: anthropicTools(body.tools),
    toolChoice: anthropicToolChoice(body.tool_choice),
    limits: limitsFrom(maxTokens, body.stop_sequences, false),
    fixedReply: ex.knobs.reply,
  });
  const stopSequence = plan.kind === 'text' ? (plan.stopSequence ?? null) : null;
  const toolUseId = randomId('toolu_');
  const message = { id: randomId('msg_'), type: 'message', role: 'assistant', model: ex.server.model };

  await withSlot(ex, async () => {
    if (body.stream !== true) {
      if (!(await generate(ex, promptTokens, plan.pieces, () => undefined))) return;
      const content =
        plan.kind === 'tool'
          ? [{ type: 'tool_use', id: toolUseId, name: plan.name, input: JSON.parse(plan.argumentsJson) as unknown }]
          : [{ type: 'text', text: plan.pieces.join('') }];
      ex.json(200, {
        ...message,
        content,
        stop_reason: stopReason(plan),
        stop_sequence: stopSequence,
        usage: { input_tokens: promptTokens, output_tokens: plan.pieces.length },
      });
      return;
    }

    startEventStream(res);
    writeEvent(res, 'message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: promptTokens, output_tokens: 0 } },
    });
    const block = plan.kind === 'tool' ? { type: 'tool_use', id: toolUseId, name: plan.name, input: {} } : { type: 'text', text: '' };
    writeEvent(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: block });
    writeEvent(res, 'ping', { type: 'ping' });
    const done = await generate(ex, promptTokens, plan.pieces, (piece) => {
      const delta = plan.kind === 'tool' ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece };
      writeEvent(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta });
    });
    if (!done) return;
    writeEvent(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
    writeEvent(res, 'message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason(plan), stop_sequence: stopSequence },
      usage: { output_tokens: plan.pieces.length },
    });
    writeEvent(res, 'message_stop', { type: 'message_stop' });
    res.end();
  });
}

function countTokens(ex: Exchange): void {
  const parsed = conversation(ex);
  if (parsed) ex.json(200, { input_tokens: parsed.promptTokens });
}

export const anthropicRoutes: Route[] = [
  { method: 'POST', paths: ['/v1/messages'], handler: messages, flavor: 'anthropic', inference: true },
  { method: 'POST', paths: ['/v1/messages/count_tokens'], handler: countTokens, flavor: 'anthropic' },
];
