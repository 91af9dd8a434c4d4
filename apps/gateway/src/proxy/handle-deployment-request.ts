import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Authorized, authenticate, type Caller, deploymentById, type Waking } from '../auth/authorize';
import { deploymentByModel } from '../auth/deployment-by-model';
import type { GatewayContext } from '../context';
import { readBody } from '../http/body';
import { type GatewayError, gatewayError, sendError } from '../http/errors';
import { isJsonObject, type JsonObject } from '../http/json-body';
import { limitsFor } from '../limits/key-limits';
import type { LimitDecision } from '../limits/rate-limiter';
import { refusalError } from '../limits/refusal';
import { MAX_REQUESTED_MODEL_LENGTH } from '../models/model-table';
import type { ParsedTarget, Protocol, RouteSpec } from '../routes';
import { withoutBillingHeader } from './billing-header';
import { serveModelList } from './model-list-response';
import { recordOutcome } from './outcome';
import { checkRequestBody } from './request-shape';
import { dispatch, FIRST_ATTEMPT } from '../failover/dispatch';
import { type AffinityKey, affinityKey } from '../balancing/affinity-key';

const UNKNOWN_ROUTE: RouteSpec = { name: 'unknown', method: 'GET', protocol: 'openai', streams: false, org: false, echoesModel: false };
const PROBE_ROUTE: RouteSpec = { ...UNKNOWN_ROUTE, name: 'probe' };

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

/** A directory lookup; Postgres unreachable (or a sealed secret that does not open) is a 503 the caller may retry. */
async function lookUp<T>(ctx: GatewayContext, requestId: string, lookup: () => Promise<T | GatewayError>): Promise<T | GatewayError> {
  try {
    return await lookup();
  } catch (error) {
    ctx.logger.error({ requestId, err: error instanceof Error ? error.message : String(error) }, 'could not look up the key or deployment');
    return gatewayError(503, 'auth_unavailable', 'The gateway cannot verify API keys right now; please retry.', 1);
  }
}

/** The name put back into the reply: any the caller sent, up to the longest /api/llm resolves (a longer one would be copied into every stream chunk). */
function echoedModel(route: RouteSpec, requested: unknown): string | undefined {
  return route.echoesModel && typeof requested === 'string' && requested.length <= MAX_REQUESTED_MODEL_LENGTH ? requested : undefined;
}

const isError = (value: unknown): value is GatewayError => typeof value === 'object' && value !== null && 'status' in value;

/**
 * Everything under a deployment's base URL (/api/gguf/{id}/) and the organization endpoint (/api/llm/): refuse
 * early and cheaply, then authenticate, choose the deployment, read, limit and forward. The two differ in one
 * step only: the URL names the deployment (chosen before the body is read), or the body's `model` does.
 */
export async function handleDeploymentRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, target: ParsedTarget, requestId: string, startedAt: number): Promise<void> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (target.kind === 'probe') {
    res.writeHead(200, { ...headers, 'content-length': '0' });
    res.end();
    return recordOutcome(ctx, { requestId, route: PROBE_ROUTE, status: 200, result: 'ok', startedAt, streamed: false });
  }
  const protocol: Protocol = target.kind === 'route' ? target.route.protocol : target.protocol;
  if (protocol === 'anthropic') headers['request-id'] = requestId;
  const route = target.kind === 'route' || target.kind === 'wrong-method' ? target.route : UNKNOWN_ROUTE;
  const refuse = (error: GatewayError, extra: Record<string, string> = {}) => {
    sendError(res, protocol, error, { ...headers, ...extra });
    recordOutcome(ctx, { requestId, route, status: error.status, result: error.code, startedAt, streamed: false });
  };

  if (target.kind === 'bad-deployment') return refuse(gatewayError(404, 'deployment_not_found', 'Deployment not found.'));
  if (target.kind === 'unknown-route') return refuse(gatewayError(404, 'route_not_found', `Unknown route: ${req.method} ${target.path || '/'}${target.hint ? `. ${target.hint}` : ''}`));
  if (target.kind === 'wrong-method') return refuse(gatewayError(405, 'method_not_allowed', `Use ${target.route.method} for this route.`), { allow: target.route.method });

  const maxBytes = ctx.env.GATEWAY_MAX_BODY_BYTES;
  const tooLarge = () => refuse(gatewayError(413, 'request_too_large', `The request body is larger than ${maxBytes} bytes.`), { connection: 'close' });
  if (Number(req.headers['content-length']) > maxBytes) return tooLarge();

  const caller = await lookUp<Caller>(ctx, requestId, () => authenticate(ctx.directory, req.headers));
  if (isError(caller)) return refuse(caller);
  const { deploymentId } = target;
  let auth: Authorized | Waking | undefined;
  if (deploymentId !== undefined) {
    const byUrl = await lookUp(ctx, requestId, () => deploymentById(ctx.directory, caller, deploymentId, { ejections: ctx.ejections }));
    if (isError(byUrl)) return refuse(byUrl);
    auth = byUrl;
  }

  let intent: StreamIntent = { body: Buffer.alloc(0), streamed: false, stripUsageOnlyChunk: false };
  let requested: unknown;
  let affinity: AffinityKey | undefined;
  if (target.route.method === 'POST') {
    const read = await readBody(req, maxBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') return tooLarge();
    const checked = checkRequestBody(target.route, read.body);
    if (!checked.ok) return refuse(checked.error);
    const body = target.route.protocol === 'anthropic' ? withoutBillingHeader(read.body, checked.value) : read.body;
    // Without the billing header: its suffix changes on every request, and a conversation must keep its key.
    affinity = affinityKey(req.headers, checked.value);
    intent = streamIntent(target.route, body, checked.value);
    requested = checked.value.model;
  } else affinity = affinityKey(req.headers, undefined);
  // The organization endpoint's own model list needs no deployment.
  const listsModels = deploymentId === undefined && target.route.name === 'models';
  if (!auth && !listsModels) {
    const byModel = await lookUp(ctx, requestId, () => deploymentByModel(ctx.directory, caller, requested, { ejections: ctx.ejections }));
    if (isError(byModel)) return refuse(byModel);
    auth = byModel;
  }

  const decision = await ctx.limiter.check({
    requestId,
    apiKeyId: caller.key.id,
    orgId: caller.key.orgId,
    streamed: intent.streamed,
    limits: limitsFor(ctx.env, caller.key, caller.org),
  });
  Object.assign(headers, rateLimitHeaders(decision));
  if (!decision.allowed) {
    ctx.metrics.rateLimited.inc({ limit: decision.refusedBy ?? 'org_rpm' });
    return refuse(refusalError(decision));
  }
  if (!auth) {
    decision.release();
    const listed = await lookUp(ctx, requestId, () => serveModelList(ctx, req, res, caller, headers));
    if (isError(listed)) return refuse(listed);
    return recordOutcome(ctx, { requestId, route: target.route, status: 200, result: 'ok', startedAt, streamed: false });
  }

  // In flight from here (held or not) until the response ends: what the workers' sleep decisions read. A GET
  // (the model list, health) generates nothing: a monitor polling it must not keep a deployment awake.
  const ended = target.route.method === 'GET' ? undefined : ctx.activity.begin('waking' in auth ? auth.waking.id : auth.deployment.id);
  const release = () => {
    decision.release();
    ended?.();
  };
  await dispatch(
    ctx,
    req,
    res,
    auth,
    {
      requestId,
      route: target.route,
      upstreamPath: target.upstreamPath,
      body: target.route.method === 'POST' ? intent.body : undefined,
      streamed: intent.streamed,
      stripUsageOnlyChunk: intent.stripUsageOnlyChunk,
      echoModel: echoedModel(target.route, requested),
      affinity,
      headers,
      release,
      startedAt,
    },
    FIRST_ATTEMPT,
  );
}
