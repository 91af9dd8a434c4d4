import type { ServerResponse } from 'node:http';
import type { Protocol } from '../routes';

/** A refusal the gateway answers itself; rendered in the caller's protocol by `sendError`. */
export interface GatewayError {
  status: number;
  /** Machine-readable reason, OpenAI's `code` (e.g. `invalid_api_key`). */
  code: string;
  message: string;
  /** Seconds, for 429 and 503. */
  retryAfter?: number;
  /** The request field at fault (OpenAI's `param`), for a refused request shape. */
  param?: string;
  /** OpenAI's `type` where OpenAI itself answers another than the status implies (an unknown model: `invalid_request_error`). */
  openAiType?: string;
}

export const gatewayError = (status: number, code: string, message: string, retryAfter?: number): GatewayError => ({ status, code, message, retryAfter });

/** A request the gateway refuses for its shape: 400, naming the field when there is one. */
export const invalidRequest = (code: string, message: string, param?: string): GatewayError => ({ status: 400, code, message, param });

// Error type names by status; the client errors read the same in both protocols. Other statuses fall back by class.
const SHARED_TYPES: Record<number, string> = { 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error' };
const OPENAI_TYPES: Record<number, string> = { ...SHARED_TYPES, 429: 'rate_limit_error' };
const ANTHROPIC_TYPES: Record<number, string> = {
  ...SHARED_TYPES,
  400: 'invalid_request_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

const anthropicType = (status: number) => ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
const openAiType = (status: number) => OPENAI_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');

/** The error body each protocol's SDK parses into its exception classes. */
export function errorBody(protocol: Protocol, status: number, code: string, message: string, param: string | null = null, type = openAiType(status)): string {
  if (protocol === 'anthropic') return JSON.stringify({ type: 'error', error: { type: anthropicType(status), message } });
  return JSON.stringify({ error: { message, type, param, code } });
}

/** What a stream that breaks after its headers went out reports: the deployment failed (Anthropic `api_error`, OpenAI `server_error`). */
const MID_STREAM_FAILURE: Pick<GatewayError, 'status' | 'code'> = { status: 502, code: 'upstream_error' };

/** A terminal SSE event for a stream that failed after its headers went out; `error` gives its type and code. */
export function streamErrorEvent(protocol: Protocol, message: string, error: Pick<GatewayError, 'status' | 'code' | 'param' | 'openAiType'> = MID_STREAM_FAILURE): string {
  const body = errorBody(protocol, error.status, error.code, message, error.param, error.openAiType);
  return protocol === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

export function sendError(res: ServerResponse, protocol: Protocol, error: GatewayError, headers: Record<string, string> = {}): void {
  const body = errorBody(protocol, error.status, error.code, error.message, error.param, error.openAiType);
  const retry = error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) };
  res.writeHead(error.status, { ...headers, ...retry, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
