import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isJsonObject, type JsonObject } from '../http/json-body';

/**
 * How much of each part of the prompt's start identifies a conversation when the caller names none:
 * the shared part (system prompt, tools) and the conversation's own first message, 4 KB each.
 */
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
 * The start of the prompt as llama-server will see it, in two parts of at most 4 KB each: what conversations
 * share (system prompt, tools; in OpenAI's shape, the leading system messages) and the conversation's own first
 * message (or the completion's prompt, the embedding's input). Two turns of one conversation share both, so they
 * share a key; it is what the replica's prompt cache holds first. Capped apart, a system prompt longer than
 * 4 KB cannot crowd the first message out and give every conversation one key (bench/replicas.ts found that).
 */
function promptStart(body: JsonObject): [shared: string, own: string] {
  const shared: unknown[] = [body.system ?? null, body.tools ?? null];
  let own: unknown = null;
  if (Array.isArray(body.messages)) {
    const firstOther = body.messages.findIndex((message) => !isSystemMessage(message));
    shared.push(...body.messages.slice(0, firstOther === -1 ? body.messages.length : firstOther));
    own = firstOther === -1 ? null : body.messages[firstOther];
  } else if (typeof body.prompt === 'string' || Array.isArray(body.prompt)) own = body.prompt;
  else if (body.input !== undefined) own = body.input;
  return [JSON.stringify(shared).slice(0, PROMPT_PREFIX_BYTES), JSON.stringify(own).slice(0, PROMPT_PREFIX_BYTES)];
}

/**
 * What keeps a conversation on the replica that holds its prompt cache: Claude Code's session id, else the
 * caller's user id (OpenAI `user`, Anthropic `metadata.user_id`), else a hash of the prompt's start (its shared part and its first message, 4 KB of each).
 * Undefined for a body with nothing to go by (a GET): any replica will do.
 */
export function affinityKey(headers: IncomingHttpHeaders, body: JsonObject | undefined): AffinityKey | undefined {
  const session = idKey('session', headers['x-claude-code-session-id']);
  if (session) return { key: session, source: 'session' };
  if (!body) return undefined;
  const user = idKey('user', body.user) ?? idKey('user', isJsonObject(body.metadata) ? body.metadata.user_id : undefined);
  if (user) return { key: user, source: 'user' };
  const [shared, own] = promptStart(body);
  if (shared === '[null,null]' && own === 'null') return undefined;
  return { key: `prompt:${sha256(`${shared}\n${own}`)}`, source: 'prompt' };
}
