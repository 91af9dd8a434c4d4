/**
 * Error bodies. llama-server answers `{"error":{code,message,type}}` everywhere; on the Anthropic routes the
 * fake answers in Anthropic's own shape so the Anthropic SDK surfaces the message as it would from the API.
 */

export type ErrorFlavor = 'llama' | 'anthropic';

export interface ErrorReply {
  status: number;
  body: unknown;
}

// Error type names by status; the client errors read the same in both protocols.
const SHARED: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error' };
const LLAMA: Record<number, string> = { ...SHARED, 501: 'not_supported_error', 503: 'unavailable_error' };
const ANTHROPIC: Record<number, string> = { ...SHARED, 413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' };

/** `extra` carries llama-server's additional fields, e.g. n_prompt_tokens/n_ctx on a context overflow. */
export function errorReply(flavor: ErrorFlavor, status: number, message: string, extra: Record<string, unknown> = {}): ErrorReply {
  if (flavor === 'anthropic') return { status, body: { type: 'error', error: { type: ANTHROPIC[status] ?? 'api_error', message } } };
  return { status, body: { error: { code: status, message, type: LLAMA[status] ?? 'server_error', ...extra } } };
}
