import type { IncomingMessage, ServerResponse } from 'node:http';
import { admit, type Authorized, type Waking } from '../auth/authorize';
import type { Upstream } from '../auth/directory';
import type { GatewayContext } from '../context';
import { type GatewayError, gatewayError } from '../http/errors';
import { forward } from '../proxy/forward';
import type { ForwardPlan, RetryReason } from '../proxy/forward-plan';
import { recordOutcome } from '../proxy/outcome';
import { answerHeld, holdForWake } from '../proxy/wait-for-wake';
import { awayAnswer, sleepingModelList } from '../wake/away-answer';

/** A request ready to go, before it is known which upstream takes it. */
export type PlannedRequest = Omit<ForwardPlan, 'auth' | 'upstream' | 'committed' | 'retry'>;

/**
 * Which try this is: the first, or one after a failure before the first byte, which may fail over again until
 * `until` (see failOver) while it waits for an upstream that answers.
 */
export type Attempt = { kind: 'first' } | { kind: 'retried'; until: number };
export const FIRST_ATTEMPT: Attempt = { kind: 'first' };

/**
 * Sends an admitted request on its way: forwarded to one of a running deployment's servers (the balancer's
 * pick), or held while the deployment wakes or comes back, then forwarded; a GET to a deployment that is away is
 * answered by the gateway (wake/away-answer.ts). A try that fails before the first byte is handed to `retry`
 * (see there).
 */
export async function dispatch(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, admitted: Authorized | Waking, request: PlannedRequest, attempt: Attempt): Promise<void> {
  let auth: Authorized;
  if ('waking' in admitted) {
    if (request.route.method === 'GET') return answerAway(ctx, res, admitted, request);
    const routed = await holdForWake(ctx, res, admitted, request);
    if (!routed) return;
    auth = routed;
  } else auth = admitted;
  const { upstreams, targetConcurrency } = auth.deployment;
  const upstream = ctx.balancer.pick(upstreams, targetConcurrency, request.affinity);
  // A GET is never held, so its retry could only end in the gateway's own answer, unless another server takes
  // it: it is tried once more with several servers, never with one (llama-server's 503 Loading model says more).
  const mayRetry = request.route.method === 'GET' ? attempt.kind === 'first' && upstreams.length > 1 : attempt.kind === 'first' || Date.now() < attempt.until;
  const retry = mayRetry ? (reason: RetryReason) => void failOver(ctx, req, res, auth, upstream, request, reason, attempt) : undefined;
  forward(ctx, req, res, { ...request, auth, upstream, committed: res.headersSent, retry });
}

/**
 * The server failed before sending anything (refused, reset, closed, or 503): it is ejected for a few seconds
 * and the deployment read afresh. Another ready server takes the request at once; with none (or one server
 * only), it is held (as already held) until one is usable. Nothing reached a server that failed this way, so trying again is safe: a request that
 * fails again on the way (its node is lost, and the deployment still says running until the worker notices) goes
 * back to waiting, for GATEWAY_UPSTREAM_RETRY_WINDOW_MS (at most the deployment's `wake_timeout_s`) after its
 * first failure; then it is answered as any failure is. The request keeps its rate-limit slot and is metered once.
 */
async function failOver(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, failed: Authorized, upstream: Upstream, request: PlannedRequest, reason: RetryReason, attempt: Attempt): Promise<void> {
  const { metrics, ejections } = ctx;
  metrics.upstreamRetries.inc({ reason });
  const { deployment, shownAs, modelName } = failed;
  if (ejections.eject(upstream.url, upstream.readyAt)) metrics.upstreamEjections.inc();
  const caller = { key: failed.key, org: failed.org };
  let next: Authorized | Waking | GatewayError;
  try {
    const record = await ctx.directory.freshDeployment(deployment.id);
    next =
      record === null || record.orgId !== caller.key.orgId
        ? gatewayError(404, 'deployment_not_found', `${shownAs} not found: it was deleted while the request was sent.`)
        : admit(caller, record, shownAs, modelName, { ejections, alreadyHeld: true });
  } catch (error) {
    // Postgres unreachable: held on what was known; the hold reads the deployment again until it can.
    ctx.logger.warn({ requestId: request.requestId, err: error instanceof Error ? error.message : String(error) }, 'could not read the deployment to retry on; holding the request');
    next = { ...caller, waking: deployment, shownAs, modelName };
  }
  if (res.destroyed) return void answerHeld(ctx, res, request, 'left');
  if ('status' in next) return void answerHeld(ctx, res, request, next);
  const until = attempt.kind === 'retried' ? attempt.until : Date.now() + Math.min(deployment.wakeTimeoutS * 1000, ctx.env.GATEWAY_UPSTREAM_RETRY_WINDOW_MS);
  await dispatch(ctx, req, res, next, request, { kind: 'retried', until });
}

/** A GET the gateway answers for a deployment that is away: no wake, no wait, no activity. */
function answerAway(ctx: GatewayContext, res: ServerResponse, waking: Waking, request: PlannedRequest): void {
  const answer = awayAnswer(request.route.name, waking.waking, waking.shownAs);
  if (answer !== 'model-list') return void answerHeld(ctx, res, request, answer);
  request.release();
  const body = JSON.stringify(sleepingModelList(waking.waking));
  res.writeHead(200, { ...request.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  recordOutcome(ctx, { requestId: request.requestId, route: request.route, status: 200, result: 'ok', startedAt: request.startedAt, streamed: false });
}
