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
  /** Also served on the organization endpoint (/api/llm), where the body's `model` picks the deployment. */
  org: boolean;
  /** The reply carries a `model` (OpenAI, Anthropic `message.model`): the caller gets back the name it sent. */
  echoesModel: boolean;
}

const route = (name: string, method: RouteSpec['method'], protocol: Protocol, streams: boolean, org: boolean, echoesModel = false): RouteSpec => ({ name, method, protocol, streams, org, echoesModel });

const ROUTES: Record<string, RouteSpec> = {
  '/v1/chat/completions': route('chat_completions', 'POST', 'openai', true, true, true),
  '/v1/completions': route('completions', 'POST', 'openai', true, true, true),
  '/v1/embeddings': route('embeddings', 'POST', 'openai', false, true, true),
  '/v1/models': route('models', 'GET', 'openai', false, true),
  '/v1/messages': route('messages', 'POST', 'anthropic', true, true, true),
  '/v1/messages/count_tokens': route('count_tokens', 'POST', 'anthropic', false, true),
  '/v1/rerank': route('rerank', 'POST', 'openai', false, true),
  // llama-server's own routes carry no model name: only on a deployment's base URL.
  '/tokenize': route('tokenize', 'POST', 'openai', false, false),
  '/detokenize': route('detokenize', 'POST', 'openai', false, false),
  '/health': route('health', 'GET', 'openai', false, false),
};

export const DEPLOYMENT_PREFIX = '/api/gguf/';
/** The organization endpoint: the same routes, the deployment picked by the body's `model`. */
export const ORG_PREFIX = '/api/llm';

export type ParsedTarget =
  /** `deploymentId` is undefined on /api/llm, where the body's `model` picks the deployment. */
  | { kind: 'route'; deploymentId: string | undefined; route: RouteSpec; upstreamPath: string }
  /** HEAD on a base URL (Claude Code checks its ANTHROPIC_BASE_URL this way): 200, no key needed, no I/O. */
  | { kind: 'probe' }
  | { kind: 'bad-deployment'; protocol: Protocol }
  | { kind: 'unknown-route'; protocol: Protocol; path: string; hint?: string }
  | { kind: 'wrong-method'; protocol: Protocol; route: RouteSpec };

/** Protocol of a path under a deployment, even an unknown one, so its 404 comes in the caller's shape. */
function protocolOf(path: string): Protocol {
  return path === '/v1/messages' || path.startsWith('/v1/messages/') ? 'anthropic' : 'openai';
}

const ORG_HINT = `The organization endpoint ${ORG_PREFIX} serves ${Object.keys(ROUTES)
  .filter((path) => ROUTES[path]?.org)
  .join(', ')}; llama-server's own routes are on a deployment's base URL, ${DEPLOYMENT_PREFIX}{deployment_id}.`;

/** The route under a base URL: `rest` is the path after it (without the query string), `query` the rest of the URL. */
function routeTarget(method: string, rest: string, query: string, deploymentId: string | undefined): ParsedTarget {
  const path = rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest;
  if (method === 'HEAD' && (path === '' || path === '/')) return { kind: 'probe' };
  const protocol = protocolOf(path);
  const route = ROUTES[path];
  if (!route) return { kind: 'unknown-route', protocol, path };
  if (deploymentId === undefined && !route.org) return { kind: 'unknown-route', protocol, path, hint: ORG_HINT };
  if (route.method !== method) return { kind: 'wrong-method', protocol, route };
  return { kind: 'route', deploymentId, route, upstreamPath: path + query };
}

/**
 * Maps `/api/gguf/{id}/v1/...?q` to the deployment and the upstream path, and `/api/llm/v1/...?q` to a route
 * whose deployment the body's `model` will pick (query string kept: Claude Code sends `?beta=true`). Returns
 * undefined for URLs outside both, except `HEAD /`, a probe. No I/O: a malformed id is refused here.
 */
export function parseTarget(method: string, url: string): ParsedTarget | undefined {
  const queryAt = url.indexOf('?');
  const pathEnd = queryAt === -1 ? url.length : queryAt;
  if (url.startsWith(DEPLOYMENT_PREFIX)) {
    const idEnd = url.indexOf('/', DEPLOYMENT_PREFIX.length);
    const deploymentId = url.slice(DEPLOYMENT_PREFIX.length, idEnd === -1 || idEnd > pathEnd ? pathEnd : idEnd);
    const rest = idEnd === -1 || idEnd > pathEnd ? '' : url.slice(idEnd, pathEnd);
    if (!isId('deployment', deploymentId)) return { kind: 'bad-deployment', protocol: protocolOf(rest) };
    return routeTarget(method, rest, url.slice(pathEnd), deploymentId);
  }
  if (url.startsWith(ORG_PREFIX) && (pathEnd === ORG_PREFIX.length || url.charCodeAt(ORG_PREFIX.length) === 47 /* / */)) {
    return routeTarget(method, url.slice(ORG_PREFIX.length, pathEnd), url.slice(pathEnd), undefined);
  }
  if (method === 'HEAD' && pathEnd === 1 && url.startsWith('/')) return { kind: 'probe' };
  return undefined;
}
