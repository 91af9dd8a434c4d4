import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from '../auth/authorize';
import type { GatewayContext } from '../context';
import { readBody } from '../http/body';
import { type GatewayError, gatewayError, sendError } from '../http/errors';
import { isJsonObject, type JsonObject } from '../http/json-body';
import { limitsFor } from '../limits/key-limits';
import type { LimitDecision } from '../limits/rate-limiter';
import { refusalError } from '../limits/refusal';
import type { ParsedTarget, Protocol, RouteSpec } from '../routes';
import { forward } from './forward';
import { recordOutcome } from './outcome';
import { checkRequestBody } from './request-shape';

const UNKNOWN_ROUTE: RouteSpec = { name: 'unknown', method: 'GET', protocol: 'openai', streams: false };

interface StreamIntent {
  body: Buffer;
  streamed: boolean;
  stripUsageOnlyChunk: boolean;
}

/**
 * Whether the caller asked for a stream. In OpenAI streams the gateway asks llama-server for usage when the
 * caller did not (it is what metering counts) and remembers to hide that extra chunk from the caller.
 */
function streamIntent(route: RouteSpec, body: Buffer, parsed: JsonObject): StreamIntent {
  const streamed = route.streams && parsed.stream === true;
  if (!streamed || route.protocol !== 'openai') return { body, streamed, stripUsageOnlyChunk: false };
  const options = isJsonObject(parsed.stream_options) ? parsed.stream_options : {};
  if (options.include_usage === true) return { body, streamed, stripUsageOnlyChunk: false };
  parsed.stream_options = { ...options, include_usage: true };
  return { body: Buffer.from(JSON.stringify(parsed)), streamed, stripUsageOnlyChunk: true };
}

function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  const requests = decision.requests;
  if (!requests) return {};
  return {
    'x-ratelimit-limit-requests': String(requests.limit),
    'x-ratelimit-remaining-requests': String(requests.remaining),
    'x-ratelimit-reset-requests': `${requests.resetSeconds}s`,
  };
}

/** Everything under /api/gguf/{id}/: refuse early and cheaply, then authenticate, read, limit and forward. */
export async function handleDeploymentRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, target: ParsedTarget, requestId: string, startedAt: number): Promise<void> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  const protocol: Protocol = target.kind === 'route' ? target.route.protocol : target.protocol;
  if (protocol === 'anthropic') headers['request-id'] = requestId;
  const route = target.kind === 'route' || target.kind === 'wrong-method' ? target.route : UNKNOWN_ROUTE;
  const refuse = (error: GatewayError, extra: Record<string, string> = {}) => {
    sendError(res, protocol, error, { ...headers, ...extra });
    recordOutcome(ctx, { requestId, route, status: error.status, result: error.code, startedAt, streamed: false });
  };

  if (target.kind === 'bad-deployment') return refuse(gatewayError(404, 'deployment_not_found', 'Deployment not found.'));
  if (target.kind === 'unknown-route') return refuse(gatewayError(404, 'route_not_found', `Unknown route: ${req.method} ${target.path || '/'}`));
  if (target.kind === 'wrong-method') return refuse(gatewayError(405, 'method_not_allowed', `Use ${target.route.method} for this route.`), { allow: target.route.method });

  const maxBytes = ctx.env.GATEWAY_MAX_BODY_BYTES;
  const tooLarge = () => refuse(gatewayError(413, 'request_too_large', `The request body is larger than ${maxBytes} bytes.`), { connection: 'close' });
  if (Number(req.headers['content-length']) > maxBytes) return tooLarge();

  let auth;
  try {
    auth = await authorize(ctx.directory, req.headers, target.deploymentId);
  } catch (error) {
    ctx.logger.error({ requestId, err: error instanceof Error ? error.message : String(error) }, 'could not look up the key or deployment');
    return refuse(gatewayError(503, 'auth_unavailable', 'The gateway cannot verify API keys right now; please retry.', 1));
  }
  if ('status' in auth) return refuse(auth);

  let intent: StreamIntent = { body: Buffer.alloc(0), streamed: false, stripUsageOnlyChunk: false };
  if (target.route.method === 'POST') {
    const read = await readBody(req, maxBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') return tooLarge();
    const checked = checkRequestBody(target.route, read.body);
    if (!checked.ok) return refuse(checked.error);
    intent = streamIntent(target.route, read.body, checked.value);
  }

  const decision = await ctx.limiter.check({
    requestId,
    apiKeyId: auth.key.id,
    orgId: auth.deployment.orgId,
    streamed: intent.streamed,
    limits: limitsFor(ctx.env, auth.key, auth.org),
  });
  Object.assign(headers, rateLimitHeaders(decision));
  if (!decision.allowed) {
    ctx.metrics.rateLimited.inc({ limit: decision.refusedBy ?? 'org_rpm' });
    return refuse(refusalError(decision));
  }

  forward(ctx, req, res, {
    requestId,
    route: target.route,
    upstreamPath: target.upstreamPath,
    auth,
    body: target.route.method === 'POST' ? intent.body : undefined,
    streamed: intent.streamed,
    stripUsageOnlyChunk: intent.stripUsageOnlyChunk,
    headers,
    release: decision.release,
    startedAt,
  });
}
