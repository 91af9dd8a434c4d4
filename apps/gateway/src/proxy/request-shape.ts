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

/** OpenAI chat and Anthropic messages: llama-server's template code needs each message to be an object with a string role. */
function messageList(body: JsonObject): GatewayError | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return invalidRequest('invalid_request', '`messages` is required: a non-empty array of messages.', 'messages');
  const bad = messages.findIndex((message) => !isObject(message) || typeof message.role !== 'string');
  if (bad !== -1) return invalidRequest('invalid_request', `\`messages[${bad}]\` must be an object with a string \`role\`.`, 'messages');
  return undefined;
}

function maxTokens(body: JsonObject): GatewayError | undefined {
  if (isInt32(body.max_tokens, 1)) return undefined;
  return invalidRequest('invalid_request', '`max_tokens` is required: an integer from 1 to 2147483647.', 'max_tokens');
}

/** One prompt as llama-server tokenizes it: text, token ids, or an object carrying `prompt_string`. */
function isSubprompt(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (Array.isArray(value)) return value.every(isTokenId);
  return isObject(value) && typeof value.prompt_string === 'string';
}

/** llama-server's rule: a list holding any token id is one prompt mixing text and ids; otherwise a list of prompts. */
function isPrompt(value: unknown): boolean {
  if (!Array.isArray(value)) return typeof value === 'string' || (isObject(value) && isSubprompt(value));
  if (value.length === 0) return false;
  if (value.some(isTokenId)) return value.every((item) => typeof item === 'string' || isTokenId(item));
  return value.every(isSubprompt);
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
  chat_completions: [model, messageList, optionalString('reasoning_format')],
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
