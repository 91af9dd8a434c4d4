import { type GatewayError, invalidRequest } from '../http/errors';
import { isJsonObject as isObject, type JsonBodyResult, type JsonObject, parseJsonBody } from '../http/json-body';
import type { RouteSpec } from '../routes';

/**
 * What each POST route's body must look like before it goes to llama-server. Not an SDK schema: only what
 * llama-server itself would choke on (answer 500 or crash), or a field the protocol cannot do without.
 * Every other field passes through untouched, and the body is forwarded byte for byte.
 */

type Check = (body: JsonObject) => GatewayError | undefined;

const isInt32 = (value: unknown, min: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= 2 ** 31 - 1;
const isTokenId = (value: unknown): boolean => Number.isInteger(value);

function optionalString(field: string): Check {
  return (body) => (field in body && typeof body[field] !== 'string' ? invalidRequest('invalid_request', `\`${field}\` must be a string.`, field) : undefined);
}

const isFunctionCall = (call: unknown): boolean =>
  isObject(call) && call.type === 'function' && isObject(call.function) && typeof call.function.name === 'string' && typeof call.function.arguments === 'string' && (call.id === undefined || typeof call.id === 'string');

/** A text part needs its text; other parts are judged by llama-server (an unsupported type is its 400). */
const isContentPart = (part: unknown): boolean => isObject(part) && typeof part.type === 'string' && (part.type !== 'text' || typeof part.text === 'string');

/**
 * What llama-server's message parser reads without failing: a string role, text parts with their text, tool
 * calls with a name and string arguments, and these optional fields as strings. Null counts as present there.
 */
function messageProblem(message: unknown): string | undefined {
  if (!isObject(message) || typeof message.role !== 'string') return 'must be an object with a string `role`';
  if (Array.isArray(message.content) && !message.content.every(isContentPart)) return 'has a content part without a string `type`, or a text part without a string `text`';
  if ('tool_calls' in message && !(Array.isArray(message.tool_calls) && message.tool_calls.every(isFunctionCall))) {
    return 'has `tool_calls` that are not function calls with a string `name` and string `arguments`';
  }
  const notString = ['name', 'tool_call_id', 'reasoning_content'].find((field) => field in message && typeof message[field] !== 'string');
  return notString ? `has a \`${notString}\` that is not a string` : undefined;
}

/** OpenAI chat and Anthropic messages: a non-empty list of messages llama-server's template code can read. */
function messageList(body: JsonObject): GatewayError | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return invalidRequest('invalid_request', '`messages` is required: a non-empty array of messages.', 'messages');
  for (const [index, message] of messages.entries()) {
    const problem = messageProblem(message);
    if (problem) return invalidRequest('invalid_request', `\`messages[${index}]\` ${problem}.`, 'messages');
  }
  return undefined;
}

/** OpenAI chat tools, which llama-server parses with --jinja and fails on with a 500 when malformed. */
function chatTools(body: JsonObject): GatewayError | undefined {
  const tools = body.tools;
  if (tools === undefined || tools === null) return undefined;
  const ok = Array.isArray(tools) && tools.every((tool) => isObject(tool) && tool.type === 'function' && isObject(tool.function) && typeof tool.function.name === 'string');
  return ok ? undefined : invalidRequest('invalid_request', '`tools` must be an array of function tools, each with a `function` object and its string `name`.', 'tools');
}

function optionalObject(field: string): Check {
  return (body) => (field in body && !isObject(body[field]) ? invalidRequest('invalid_request', `\`${field}\` must be an object.`, field) : undefined);
}

function maxTokens(body: JsonObject): GatewayError | undefined {
  if (isInt32(body.max_tokens, 1)) return undefined;
  return invalidRequest('invalid_request', '`max_tokens` is required: an integer from 1 to 2147483647.', 'max_tokens');
}

/** Token ids, or ids mixed with text (a list of text alone is a list of prompts, not one). */
const isTokenList = (value: unknown[]): boolean => value.every((item) => typeof item === 'string' || isTokenId(item)) && (value.length === 0 || value.some(isTokenId));

/** One prompt as llama-server tokenizes it: text, a token list, or an object carrying `prompt_string`. */
function isSubprompt(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (Array.isArray(value)) return isTokenList(value);
  return isObject(value) && typeof value.prompt_string === 'string';
}

/** llama-server's rule: a list holding any token id is one prompt; any other non-empty list is a list of prompts. */
function isPrompt(value: unknown): boolean {
  if (!Array.isArray(value)) return isSubprompt(value);
  if (value.length === 0) return false;
  return value.some(isTokenId) ? isTokenList(value) : value.every(isSubprompt);
}

/** `prompt` (completions) and `input` (embeddings): anything but a prompt is a 500 upstream. */
function promptField(field: string, alternative?: string): Check {
  return (body) => {
    const name = field in body || !alternative || !(alternative in body) ? field : alternative;
    if (isPrompt(body[name])) return undefined;
    return invalidRequest('invalid_request', `\`${name}\` is required: a string, an array of strings, or an array of token ids.`, name);
  };
}

function tokenizeContent(body: JsonObject): GatewayError | undefined {
  const content = body.content;
  if (content === undefined || typeof content === 'string') return undefined;
  if (Array.isArray(content) && content.every((item) => typeof item === 'string' || isTokenId(item))) return undefined;
  return invalidRequest('invalid_request', '`content` must be a string or an array of strings and token ids.', 'content');
}

function detokenizeTokens(body: JsonObject): GatewayError | undefined {
  const tokens = body.tokens;
  if (tokens === undefined || (Array.isArray(tokens) && tokens.every((token) => isInt32(token, 0)))) return undefined;
  return invalidRequest('invalid_request', '`tokens` must be an array of token ids (non-negative integers).', 'tokens');
}

const model = optionalString('model');

/** Checks per route name; every POST route has an entry (routes without one are refused by the test beside this file). */
export const SHAPE_CHECKS: Record<string, Check[]> = {
  chat_completions: [model, messageList, chatTools, optionalString('reasoning_format'), optionalObject('chat_template_kwargs')],
  messages: [model, messageList, maxTokens],
  count_tokens: [model, messageList],
  completions: [model, promptField('prompt')],
  embeddings: [model, promptField('input', 'content'), optionalString('encoding_format')],
  rerank: [model],
  tokenize: [model, tokenizeContent],
  detokenize: [model, detokenizeTokens],
};

/** Parses a POST route's body and checks its shape; the parsed object is what later steps read. */
export function checkRequestBody(route: RouteSpec, body: Buffer): JsonBodyResult {
  const parsed = parseJsonBody(body);
  if (!parsed.ok) return parsed;
  for (const check of SHAPE_CHECKS[route.name] ?? []) {
    const error = check(parsed.value);
    if (error) return { ok: false, error };
  }
  return parsed;
}
