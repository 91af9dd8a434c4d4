import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Authorized } from '../auth/authorize';
import type { GatewayContext } from '../context';
import { sendError, streamErrorEvent } from '../http/errors';
import { JsonUsageTap } from '../metering/json-usage-tap';
import { SseTap } from '../metering/sse-tap';
import type { Tokens } from '../metering/usage';
import type { RouteSpec } from '../routes';
import { responseHeaders, upstreamRequestHeaders } from './headers';
import { recordOutcome } from './outcome';
import { classifyUpstreamError, failureResponse, upstreamErrorResponse } from './upstream-errors';

export interface ForwardPlan {
  requestId: string;
  route: RouteSpec;
  /** Path and query string on llama-server. */
  upstreamPath: string;
  auth: Authorized;
  body: Buffer | undefined;
  streamed: boolean;
  /** The gateway added `stream_options.include_usage`; the caller must not see the chunk it produces. */
  stripUsageOnlyChunk: boolean;
  /** Request id and rate-limit headers, sent with every answer. */
  headers: Record<string, string>;
  /** Frees the request's concurrency slot. */
  release: () => void;
  startedAt: number;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/event-stream');
}

/**
 * Sends the request to the deployment's llama-server and relays the answer as it arrives. Backpressure runs
 * end to end: when the caller reads slowly, the upstream body is paused. A caller that goes away aborts the
 * upstream request at once, which frees the llama-server slot.
 */
export function forward(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan): void {
  const { route, auth } = plan;
  const protocol = route.protocol;
  const controller = new AbortController();
  let finished = false;
  let streaming = false;
  let tokensSoFar: () => Tokens | undefined = () => undefined;

  const finish = (status: number, result: string, tokens?: Tokens) => {
    if (finished) return;
    finished = true;
    plan.release();
    if (streaming) ctx.metrics.activeStreams.dec();
    recordOutcome(ctx, {
      requestId: plan.requestId,
      route,
      status,
      result,
      startedAt: plan.startedAt,
      streamed: plan.streamed,
      usage: { apiKeyId: auth.key.id, deploymentId: auth.deployment.id, orgId: auth.deployment.orgId, tokens },
    });
  };

  if (res.destroyed) {
    // The caller left while the gateway was deciding; nothing was sent upstream.
    finished = true;
    plan.release();
    return;
  }
  res.on('close', () => {
    if (res.writableFinished) return;
    controller.abort();
    finish(499, 'client_closed', tokensSoFar());
  });

  ctx.metrics.overhead.observe((performance.now() - plan.startedAt) / 1000);
  const { env } = ctx;
  ctx.agent
    .request({
      origin: auth.deployment.upstreamUrl,
      path: plan.upstreamPath,
      method: route.method,
      headers: upstreamRequestHeaders(req.headers, auth.deployment.upstreamSecret, plan.requestId, plan.body?.length),
      body: plan.body,
      signal: controller.signal,
      headersTimeout: env.GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      bodyTimeout: env.GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS,
    })
    .then(
      ({ statusCode, headers, body }) => {
        ctx.metrics.upstreamFirstByte.labels(route.name).observe((performance.now() - plan.startedAt) / 1000);
        if (finished) {
          body.destroy();
          return;
        }
        if (statusCode >= 400) return relayError(statusCode, headers['retry-after'], body);
        const sse = isEventStream(headers['content-type']);
        const out = responseHeaders(headers, !sse);
        Object.assign(out, plan.headers);
        if (sse) {
          out['x-accel-buffering'] = 'no';
          out['cache-control'] = 'no-cache';
          streaming = true;
          ctx.metrics.activeStreams.inc();
        }
        res.writeHead(statusCode, out);
        if (sse) {
          res.flushHeaders();
          relayEvents(body);
        } else relayBody(body);
      },
      (error: unknown) => {
        if (finished) return;
        const failure = classifyUpstreamError(error);
        ctx.metrics.upstreamErrors.inc({ kind: failure });
        const answer = failureResponse(failure);
        sendError(res, protocol, answer, plan.headers);
        finish(answer.status, failure);
      },
    );

  function pipe(body: Readable, transform: (chunk: Buffer) => Buffer | string | undefined, onEnd: () => void, onError: (error: unknown) => void): void {
    body.on('data', (chunk: Buffer) => {
      const out = transform(chunk);
      if (out !== undefined && out.length > 0 && !res.write(out)) {
        body.pause();
        res.once('drain', () => body.resume());
      }
    });
    body.once('end', onEnd);
    body.once('error', (error) => {
      if (!finished) onError(error);
    });
  }

  function relayEvents(body: Readable): void {
    const tap = new SseTap(protocol, plan.stripUsageOnlyChunk);
    tokensSoFar = () => (tap.sawUsage ? tap.tokens : undefined);
    pipe(
      body,
      (chunk) => tap.push(chunk),
      () => {
        res.end();
        finish(res.statusCode, 'ok', tokensSoFar());
      },
      (error) => {
        // Headers are out, so the failure becomes a terminal event in the caller's protocol, never a [DONE].
        const failure = classifyUpstreamError(error);
        ctx.metrics.upstreamErrors.inc({ kind: `${failure}_mid_stream` });
        res.end(streamErrorEvent(protocol, 'The deployment stopped answering in the middle of the response.'));
        finish(res.statusCode, `${failure}_mid_stream`, tokensSoFar());
      },
    );
  }

  function relayBody(body: Readable): void {
    const tap = new JsonUsageTap();
    pipe(
      body,
      (chunk) => {
        tap.push(chunk);
        return chunk;
      },
      () => {
        res.end();
        finish(res.statusCode, 'ok', tap.tokens());
      },
      (error) => {
        // A body cut short cannot be repaired; closing the connection tells the client it is incomplete.
        const failure = classifyUpstreamError(error);
        ctx.metrics.upstreamErrors.inc({ kind: `${failure}_mid_body` });
        res.destroy();
        finish(502, `${failure}_mid_body`);
      },
    );
  }

  function relayError(status: number, retryAfter: string | string[] | undefined, body: Readable): void {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    const answer = () => {
      if (finished) return;
      const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
      const error = upstreamErrorResponse(status, text, typeof retryAfter === 'string' ? retryAfter : undefined);
      if (status === 401 || status === 403) ctx.logger.error({ requestId: plan.requestId, deploymentId: auth.deployment.id, status }, 'llama-server refused the upstream secret');
      ctx.metrics.upstreamErrors.inc({ kind: `status_${status}` });
      sendError(res, protocol, error, plan.headers);
      finish(error.status, `upstream_status_${status}`);
    };
    body.once('end', answer);
    body.once('error', answer);
  }
}
