import { type GatewayError, gatewayError } from '../http/errors';

export type UpstreamFailure = 'connect_refused' | 'connect_timeout' | 'first_byte_timeout' | 'idle_timeout' | 'connection_lost';

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}

/** Names an undici failure for metrics and picks the status the caller gets for it. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  switch (codeOf(error)) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect_timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'first_byte_timeout';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'idle_timeout';
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'connect_refused';
    default:
      return 'connection_lost';
  }
}

export function failureResponse(failure: UpstreamFailure): GatewayError {
  switch (failure) {
    case 'connect_timeout':
      return gatewayError(504, 'upstream_timeout', 'The deployment did not accept a connection in time.');
    case 'first_byte_timeout':
    case 'idle_timeout':
      return gatewayError(504, 'upstream_timeout', 'The deployment did not answer in time.');
    case 'connect_refused':
      return gatewayError(502, 'upstream_unavailable', 'The deployment refused the connection.');
    case 'connection_lost':
      return gatewayError(502, 'upstream_unavailable', 'The connection to the deployment was lost.');
  }
}

/** Message of an upstream error body in llama-server's, OpenAI's or Anthropic's shape. */
function upstreamMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'object' && typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.error === 'string') return body.error;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON (e.g. a plain-text or HTML error page); the status alone is reported.
  }
  return undefined;
}

/**
 * llama-server answers 500 to some requests that only the caller can fix: a feature the deployment was not
 * started with (tools without --jinja, images or audio without a multimodal projector), or a request field it
 * rejects (messages or tools it cannot parse, an invalid JSON schema, n > 1, echo, best_of, suffix). A retry
 * cannot help, and SDKs retry 5xx, so these are 400s. The gateway's own request checks catch most of them
 * first; this list is for what only llama-server can judge.
 */
const CALLER_MISTAKES: [RegExp, string][] = [
  [/^tools? param requires --jinja flag/, 'unsupported_by_deployment'],
  [/^tool_choice param requires --jinja flag/, 'unsupported_by_deployment'],
  [/^(image|audio) input is not supported/, 'unsupported_by_deployment'],
  [/^Failed to parse (messages|tools): /, 'invalid_request'],
  [/^"json_schema": /, 'invalid_request'],
  [/^Only one completion choice is allowed/, 'invalid_request'],
  [/^Only no echo is supported/, 'invalid_request'],
  [/^Unsupported param: /, 'invalid_request'],
];

/**
 * What the caller gets for a non-2xx upstream answer: the same status and message, in the caller's protocol.
 * llama-server refusing the gateway's own secret is the platform's fault, not the caller's key, so it is a 502.
 * A route the deployment was not started for (llama-server's 501) and the 500s above are 400s.
 */
export function upstreamErrorResponse(status: number, text: string, retryAfter: string | undefined): GatewayError {
  if (status === 401 || status === 403) return gatewayError(502, 'upstream_auth_failed', 'The deployment refused the gateway; please try again later.');
  const message = upstreamMessage(text) ?? `The deployment answered with status ${status}.`;
  if (status === 501) return gatewayError(400, 'unsupported_by_deployment', message);
  const mistake = status === 500 ? CALLER_MISTAKES.find(([pattern]) => pattern.test(message)) : undefined;
  if (mistake) return gatewayError(400, mistake[1], message);
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : status === 503 ? 5 : undefined;
  const code = status === 503 ? 'deployment_loading' : status >= 500 ? 'upstream_error' : 'invalid_request';
  return gatewayError(status >= 400 && status <= 599 ? status : 502, code, message, seconds);
}
