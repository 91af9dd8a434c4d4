/**
 * Error bodies. llama-server answers `{"error":{code,message,type}}` everywhere; on the Anthropic routes the
 * fake answers in Anthropic's own shape so the Anthropic SDK surfaces the message as it would from the API.
 */

export type ErrorFlavor = 'llama' | 'anthropic';

export interface ErrorReply {
  status: number;
  body: unknown;
}

function llamaType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 501:
      return 'not_supported_error';
    case 503:
      return 'unavailable_error';
    default:
      return 'server_error';
  }
}

function anthropicType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** `extra` carries llama-server's additional fields, e.g. n_prompt_tokens/n_ctx on a context overflow. */
export function errorReply(flavor: ErrorFlavor, status: number, message: string, extra: Record<string, unknown> = {}): ErrorReply {
  if (flavor === 'anthropic') return { status, body: { type: 'error', error: { type: anthropicType(status), message } } };
  return { status, body: { error: { code: status, message, type: llamaType(status), ...extra } } };
}
