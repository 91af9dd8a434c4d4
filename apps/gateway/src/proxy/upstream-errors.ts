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
 * llama-server's 500s for a request asking for what the deployment was not started with: tools or a tool
 * choice without --jinja, images or audio without a multimodal projector. The caller has to change the request
 * (or the deployment), so it is told with a 400 that an SDK does not retry.
 */
const UNSUPPORTED_BY_DEPLOYMENT = [/^tools? param requires --jinja flag/, /^tool_choice param requires --jinja flag/, /^(image|audio) input is not supported/];

/**
 * What the caller gets for a non-2xx upstream answer: the same status and message, in the caller's protocol.
 * llama-server refusing the gateway's own secret is the platform's fault, not the caller's key, so it is a 502.
 * A route or feature the deployment was not started for (llama-server's 501, or one of the 500s above) is 400.
 */
export function upstreamErrorResponse(status: number, text: string, retryAfter: string | undefined): GatewayError {
  if (status === 401 || status === 403) return gatewayError(502, 'upstream_auth_failed', 'The deployment refused the gateway; please try again later.');
  const message = upstreamMessage(text) ?? `The deployment answered with status ${status}.`;
  if (status === 501 || (status === 500 && UNSUPPORTED_BY_DEPLOYMENT.some((pattern) => pattern.test(message)))) {
    return gatewayError(400, 'unsupported_by_deployment', message);
  }
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : status === 503 ? 5 : undefined;
  const code = status === 503 ? 'deployment_loading' : status >= 500 ? 'upstream_error' : 'invalid_request';
  return gatewayError(status >= 400 && status <= 599 ? status : 502, code, message, seconds);
}
