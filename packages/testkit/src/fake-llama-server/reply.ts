import { isRecord, lastUserTurn, type Turn } from './conversation';
import { splitPieces } from './tokenizer';

/** The fake "model": what it answers, where it stops, and when it calls a tool instead of answering. */

export interface ToolDef {
  name: string;
  /** JSON schema of the arguments (OpenAI `parameters`, Anthropic `input_schema`). */
  schema: Record<string, unknown>;
}

export type ToolChoice = { mode: 'auto' } | { mode: 'none' } | { mode: 'any' } | { mode: 'named'; name: string };

export type Finish = 'stop' | 'length';

export interface TextReply {
  kind: 'text';
  pieces: string[];
  finish: Finish;
  /** The stop string that ended the reply, if one did. */
  stopSequence?: string;
}

export interface ToolReply {
  kind: 'tool';
  name: string;
  argumentsJson: string;
  /** The arguments as streamed, one token per piece. */
  pieces: string[];
}

export interface Limits {
  /** Negative means "no limit", like llama-server's n_predict = -1. */
  maxTokens: number;
  stop: string[];
  /** llama-server's ignore_eos: keep generating until maxTokens, which benchmarks use for fixed-length output. */
  ignoreEos: boolean;
}

const SUBJECT_CHARS = 60;

/** The default reply names the model and echoes the question, so tests can see which model answered what. */
export function replyText(model: string, subject: string, fixedReply: string | undefined): string {
  if (fixedReply !== undefined) return fixedReply;
  const oneLine = subject.replace(/\s+/g, ' ').trim();
  const shown = oneLine.length > SUBJECT_CHARS ? `${oneLine.slice(0, SUBJECT_CHARS)}...` : oneLine;
  return `This is a reply from ${model} to: ${shown}`;
}

export function limitText(text: string, limits: Limits): TextReply {
  const unit = splitPieces(text).length;
  // Joining copies can merge whitespace at the seams, so one spare copy guarantees enough tokens.
  const copies = limits.ignoreEos && limits.maxTokens > 0 && text.trim() !== '' ? Math.ceil(limits.maxTokens / unit) + 1 : 1;
  const full = Array.from({ length: copies }, () => text).join(' ');
  let stopSequence: string | undefined;
  let stopAt = full.length;
  for (const stop of limits.stop) {
    const at = stop === '' ? -1 : full.indexOf(stop);
    if (at !== -1 && at < stopAt) {
      stopAt = at;
      stopSequence = stop;
    }
  }
  const pieces = splitPieces(full.slice(0, stopAt));
  if (limits.maxTokens >= 0 && pieces.length > limits.maxTokens) return { kind: 'text', pieces: pieces.slice(0, limits.maxTokens), finish: 'length' };
  return { kind: 'text', pieces, finish: 'stop', stopSequence };
}

function mentions(text: string, tool: ToolDef): boolean {
  const lower = text.toLowerCase();
  const name = tool.name.toLowerCase();
  return lower.includes(name) || lower.includes(name.replace(/_/g, ' '));
}

/** Which tool to call, if any: forced choices win; under "auto" only a fresh user question that asks for it. */
function pickTool(tools: ToolDef[], choice: ToolChoice, turns: Turn[]): ToolDef | undefined {
  if (tools.length === 0 || choice.mode === 'none') return undefined;
  if (choice.mode === 'named') return tools.find((tool) => tool.name === choice.name);
  const last = turns.at(-1);
  const text = last?.text ?? '';
  const mentioned = tools.find((tool) => mentions(text, tool));
  if (choice.mode === 'any') return mentioned ?? tools[0];
  // After a tool result the model answers in prose, so agent loops in tests terminate.
  if (!last || last.role !== 'user' || last.toolResult) return undefined;
  return mentioned ?? (/\b(weather|call)\b/i.test(text) ? tools[0] : undefined);
}

function exampleValue(schema: unknown): unknown {
  if (!isRecord(schema)) return 'example';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return exampleArguments(schema);
    default:
      return 'example';
  }
}

/** Arguments that satisfy the schema's required properties, with a predictable value for each. */
export function exampleArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
  return Object.fromEntries(required.map((name) => [name, exampleValue(properties[name])]));
}

export interface PlanInput {
  model: string;
  turns: Turn[];
  tools: ToolDef[];
  toolChoice: ToolChoice;
  limits: Limits;
  fixedReply: string | undefined;
}

export function planReply(input: PlanInput): TextReply | ToolReply {
  const tool = pickTool(input.tools, input.toolChoice, input.turns);
  if (tool) {
    const argumentsJson = JSON.stringify(exampleArguments(tool.schema));
    return { kind: 'tool', name: tool.name, argumentsJson, pieces: splitPieces(argumentsJson) };
  }
  const subject = lastUserTurn(input.turns)?.text ?? '';
  return limitText(replyText(input.model, subject, input.fixedReply), input.limits);
}

/**
 * Reads a request's length and stop controls; anything malformed means "not set", as llama-server's json_value
 * does. Like llama-server, generation never runs past the slot's context: `contextLeft` caps a larger limit.
 */
export function limitsFrom(maxTokens: unknown, stop: unknown, ignoreEos: unknown, contextLeft: number): Limits {
  const requested = typeof maxTokens === 'number' && Number.isFinite(maxTokens) ? Math.floor(maxTokens) : -1;
  return {
    maxTokens: requested >= 0 ? Math.min(requested, Math.max(contextLeft, 0)) : -1,
    stop: typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string') : [],
    ignoreEos: ignoreEos === true,
  };
}
