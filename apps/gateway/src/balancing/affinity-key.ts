import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isJsonObject, type JsonObject } from '../http/json-body';

/** How much of the prompt's start identifies a conversation when the caller names none. */
export const PROMPT_PREFIX_BYTES = 4096;
/** Longest session or user id taken as is; longer ones are hashed like a prompt. */
const MAX_ID_LENGTH = 256;

/** Where a request's affinity key came from (reported in metrics and logs). */
export type AffinitySource = 'session' | 'user' | 'prompt';

export interface AffinityKey {
  key: string;
  source: AffinitySource;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** A caller-chosen id, bounded so a huge one costs no more than a prompt. */
function idKey(kind: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length <= MAX_ID_LENGTH ? `${kind}:${value}` : `${kind}:#${sha256(value)}`;
}

/** OpenAI's system prompt is its leading `system` (or `developer`) messages. */
const isSystemMessage = (message: unknown) => isJsonObject(message) && (message.role === 'system' || message.role === 'developer');

/**
 * The start of the prompt as llama-server will see it: system prompt, tools, then the first message (in OpenAI's
 * shape, the first after the system messages, or every conversation sharing a system prompt would share a key).
 * Two turns of one conversation share it, so they share a key; it is what the replica's prompt cache holds first.
 */
function promptStart(body: JsonObject): string {
  const parts: unknown[] = [body.system ?? null, body.tools ?? null];
  if (Array.isArray(body.messages)) {
    const firstOther = body.messages.findIndex((message) => !isSystemMessage(message));
    parts.push(...body.messages.slice(0, firstOther === -1 ? body.messages.length : firstOther + 1));
  }
  else if (typeof body.prompt === 'string' || Array.isArray(body.prompt)) parts.push(body.prompt);
  else if (body.input !== undefined) parts.push(body.input);
  return JSON.stringify(parts).slice(0, PROMPT_PREFIX_BYTES);
}

/**
 * What keeps a conversation on the replica that holds its prompt cache: Claude Code's session id, else the
 * caller's user id (OpenAI `user`, Anthropic `metadata.user_id`), else a hash of the prompt's first 4 KB.
 * Undefined for a body with nothing to go by (a GET): any replica will do.
 */
export function affinityKey(headers: IncomingHttpHeaders, body: JsonObject | undefined): AffinityKey | undefined {
  const session = idKey('session', headers['x-claude-code-session-id']);
  if (session) return { key: session, source: 'session' };
  if (!body) return undefined;
  const user = idKey('user', body.user) ?? idKey('user', isJsonObject(body.metadata) ? body.metadata.user_id : undefined);
  if (user) return { key: user, source: 'user' };
  const start = promptStart(body);
  return start === '[null,null]' ? undefined : { key: `prompt:${sha256(start)}`, source: 'prompt' };
}
