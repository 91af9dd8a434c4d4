import { isId } from '@gguf/core';

/** Which error shape a caller understands: the Anthropic SDK and Claude Code on /v1/messages*, OpenAI everywhere else. */
export type Protocol = 'openai' | 'anthropic';

export interface RouteSpec {
  /** Stable label for metrics and logs. */
  name: string;
  method: 'GET' | 'POST';
  protocol: Protocol;
  /** The request may ask for a streamed (SSE) reply with `"stream": true`. */
  streams: boolean;
}

const ROUTES: Record<string, RouteSpec> = {
  '/v1/chat/completions': { name: 'chat_completions', method: 'POST', protocol: 'openai', streams: true },
  '/v1/completions': { name: 'completions', method: 'POST', protocol: 'openai', streams: true },
  '/v1/embeddings': { name: 'embeddings', method: 'POST', protocol: 'openai', streams: false },
  '/v1/models': { name: 'models', method: 'GET', protocol: 'openai', streams: false },
  '/v1/messages': { name: 'messages', method: 'POST', protocol: 'anthropic', streams: true },
  '/v1/messages/count_tokens': { name: 'count_tokens', method: 'POST', protocol: 'anthropic', streams: false },
  '/v1/rerank': { name: 'rerank', method: 'POST', protocol: 'openai', streams: false },
  '/tokenize': { name: 'tokenize', method: 'POST', protocol: 'openai', streams: false },
  '/detokenize': { name: 'detokenize', method: 'POST', protocol: 'openai', streams: false },
  '/health': { name: 'health', method: 'GET', protocol: 'openai', streams: false },
};

export const DEPLOYMENT_PREFIX = '/api/gguf/';

export type ParsedTarget =
  | { kind: 'route'; deploymentId: string; route: RouteSpec; upstreamPath: string }
  | { kind: 'bad-deployment'; protocol: Protocol }
  | { kind: 'unknown-route'; protocol: Protocol; path: string }
  | { kind: 'wrong-method'; protocol: Protocol; route: RouteSpec };

/** Protocol of a path under a deployment, even an unknown one, so its 404 comes in the caller's shape. */
function protocolOf(path: string): Protocol {
  return path === '/v1/messages' || path.startsWith('/v1/messages/') ? 'anthropic' : 'openai';
}

/**
 * Maps `/api/gguf/{id}/v1/...?q` to the deployment and the upstream path (query string kept, Claude Code sends
 * `?beta=true`). Returns undefined for URLs outside /api/gguf/. No I/O: a malformed id is refused here.
 */
export function parseTarget(method: string, url: string): ParsedTarget | undefined {
  if (!url.startsWith(DEPLOYMENT_PREFIX)) return undefined;
  const idEnd = url.indexOf('/', DEPLOYMENT_PREFIX.length);
  const queryAt = url.indexOf('?');
  const pathEnd = queryAt === -1 ? url.length : queryAt;
  const deploymentId = url.slice(DEPLOYMENT_PREFIX.length, idEnd === -1 || idEnd > pathEnd ? pathEnd : idEnd);
  const rest = idEnd === -1 || idEnd > pathEnd ? '' : url.slice(idEnd, pathEnd);
  const path = rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest;
  const protocol = protocolOf(path);
  if (!isId('deployment', deploymentId)) return { kind: 'bad-deployment', protocol };
  const route = ROUTES[path];
  if (!route) return { kind: 'unknown-route', protocol, path };
  if (route.method !== method) return { kind: 'wrong-method', protocol, route };
  return { kind: 'route', deploymentId, route, upstreamPath: path + url.slice(pathEnd) };
}
