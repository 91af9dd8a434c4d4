import type { IncomingHttpHeaders } from 'node:http';

/**
 * The caller's API key from `Authorization: Bearer`, `x-api-key` or `key` (OpenAI SDKs, Anthropic SDKs and
 * Claude Code, plain curl). Undefined when none is present; shape and checksum are checked by the caller.
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    if (space > 0 && authorization.slice(0, space).toLowerCase() === 'bearer') return authorization.slice(space + 1).trim();
    return authorization.trim();
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string') return apiKey.trim();
  const key = headers.key;
  if (typeof key === 'string') return key.trim();
  return undefined;
}
