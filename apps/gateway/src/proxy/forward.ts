import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { GatewayContext } from '../context';
import { type GatewayError, sendError, streamErrorEvent } from '../http/errors';
import { JsonUsageTap } from '../metering/json-usage-tap';
import { SseTap } from '../metering/sse-tap';
import type { Tokens } from '../metering/usage';
import { responseHeaders, upstreamRequestHeaders } from './headers';
import type { ForwardPlan, RetryReason } from './forward-plan';
import { ModelEcho } from './model-echo';
import { recordOutcome } from './outcome';
import { classifyUpstreamError, failureResponse, upstreamErrorResponse } from './upstream-errors';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/event-stream');
}

function isJson(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.includes('json');
}

/**
 * Sends the request to the llama-server of the deployment's server chosen for it and relays the answer as it arrives. It drives undici's
 * dispatch handler directly (no response stream object, no promise, no AbortSignal per request): the proxy's
 * hot path. Backpressure runs end to end: when the caller reads slowly, the upstream response is paused. A
 * caller that goes away aborts the upstream request at once, which frees the llama-server slot.
 */
export function forward(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan): void {
  const { route, auth } = plan;
  const protocol = route.protocol;
  let finished = false;
  let streaming = false;
  let upstream: Dispatcher.DispatchController | undefined;
  let tokensSoFar: () => Tokens | undefined = () => undefined;

  /** `end`, when given, sends the response's end once its usage is on its way (see metering/meter.ts). */
  const finish = (status: number, result: string, tokens?: Tokens, end?: () => void) => {
    if (finished) return;
    finished = true;
    leave();
    plan.release();
    if (streaming) ctx.metrics.activeStreams.dec();
    recordOutcome(ctx, {
      requestId: plan.requestId,
      route,
      status,
      result,
      startedAt: plan.startedAt,
      streamed: plan.streamed,
      usage: { apiKeyId: auth.key.id, deploymentId: auth.deployment.id, orgId: auth.deployment.orgId, modelName: auth.modelName, tokens },
    }, end);
  };

  if (res.destroyed) {
    // The caller left while the gateway was deciding; nothing was sent upstream.
    finished = true;
    plan.release();
    return;
  }
  // In flight on its server (what the balancer spills by) until this try ends, answered or handed over.
  const leave = ctx.balancer.enter(plan.upstream.serverId, auth.deployment.id);
  if (plan.committed) {
    streaming = true;
    ctx.metrics.activeStreams.inc();
  }
  const callerLeft = () => new Error('the caller closed the connection');
  const onClose = () => {
    if (res.writableFinished) return;
    upstream?.abort(callerLeft());
    finish(499, 'client_closed', tokensSoFar());
  };
  res.on('close', onClose);
  const resume = () => upstream?.resume();

  /** An answer instead of the upstream's: an error response, or a terminal event once the headers are out. */
  const answerError = (answer: GatewayError, result: string) => {
    if (!plan.committed) {
      sendError(res, protocol, answer, plan.headers);
      return finish(answer.status, result);
    }
    res.end(streamErrorEvent(protocol, answer.message, answer));
    finish(res.statusCode, `${result}_mid_stream`);
  };

  /**
   * The upstream sent nothing the caller saw: this attempt ends without an answer and the request goes to its
   * retry, which keeps its slot. False when it has had its retry (or its caller left): it is answered as is.
   */
  const handOver = (reason: RetryReason): boolean => {
    const retry = plan.retry;
    if (retry === undefined || res.destroyed) return false;
    finished = true;
    leave();
    res.off('close', onClose);
    if (streaming) ctx.metrics.activeStreams.dec();
    retry(reason);
    return true;
  };

  /**
   * The upstream failed before answering: tried again once when the server is gone (refused, reset, closed), or
   * the caller gets an error in its protocol. A timeout is never retried: the server may be busy generating,
   * and a second attempt would double its load.
   */
  const failBeforeAnswer = (error: Error) => {
    const failure = classifyUpstreamError(error);
    ctx.metrics.upstreamErrors.inc({ kind: failure });
    if ((failure === 'connect_refused' || failure === 'connection_lost') && handOver(failure)) return;
    answerError(failureResponse(failure), failure);
  };

  /** What happens to the response body: relayed through a tap, or collected for an error answer. */
  let onData: (chunk: Buffer) => void = () => undefined;
  let onEnd: () => void = () => undefined;
  // Until the upstream answers, a failure is answered whole; once it has, the relay chosen for its body takes over.
  let onError: (error: Error) => void = failBeforeAnswer;

  const write = (out: Buffer | string | undefined) => {
    if (out !== undefined && out.length > 0 && !res.write(out)) {
      upstream?.pause();
      res.once('drain', resume);
    }
  };

  /**
   * Ends a relayed answer once its usage is on its way (see Meter.record): a gateway killed before then has not
   * answered. The socket is corked meanwhile, so the last bytes and the end still go out in one write.
   */
  const endMetered = (tokens: Tokens | undefined, result = 'ok', last?: string) => {
    res.socket?.cork();
    finish(res.statusCode, result, tokens, () => res.end(last));
  };

  const relayEvents = () => {
    const tap = new SseTap(protocol, plan.stripUsageOnlyChunk);
    const echo = plan.echoModel === undefined ? undefined : new ModelEcho(plan.echoModel, false);
    tokensSoFar = () => (tap.sawUsage ? tap.tokens : undefined);
    onData = (chunk) => {
      const events = tap.push(chunk);
      write(echo && events !== undefined ? echo.pushEvents(events) : events);
    };
    onEnd = () => {
      if (tap.upstreamError === undefined) return endMetered(tokensSoFar());
      // llama-server reported a failed generation inside its 200 stream and ended it: a failed request that
      // counts what was seen, like an abandoned one, and ends with the gateway's error event, never a [DONE].
      ctx.metrics.upstreamErrors.inc({ kind: 'error_event_mid_stream' });
      endMetered(tokensSoFar(), 'upstream_error_mid_stream', streamErrorEvent(protocol, tap.upstreamError));
    };
    onError = (error) => {
      // Headers are out, so the failure becomes a terminal event in the caller's protocol, never a [DONE].
      const failure = classifyUpstreamError(error);
      ctx.metrics.upstreamErrors.inc({ kind: `${failure}_mid_stream` });
      res.end(streamErrorEvent(protocol, 'The deployment stopped answering in the middle of the response.'));
      finish(res.statusCode, `${failure}_mid_stream`, tokensSoFar());
    };
  };

  const relayBody = (echo: ModelEcho | undefined) => {
    const tap = new JsonUsageTap();
    onData = (chunk) => {
      tap.push(chunk);
      write(echo ? echo.push(chunk) : chunk);
    };
    onEnd = () => endMetered(tap.tokens());
    onError = (error) => {
      // A body cut short cannot be repaired; closing the connection tells the client it is incomplete.
      const failure = classifyUpstreamError(error);
      ctx.metrics.upstreamErrors.inc({ kind: `${failure}_mid_body` });
      res.destroy();
      finish(502, `${failure}_mid_body`);
    };
  };

  const relayError = (status: number, retryAfter: string | string[] | undefined) => {
    const chunks: Buffer[] = [];
    let size = 0;
    onData = (chunk) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    };
    onEnd = onError = () => {
      // A 503 (llama-server loading its model, or going away) relayed nothing yet: another try may find a server.
      if (status === 503 && handOver('status_503')) return ctx.metrics.upstreamErrors.inc({ kind: 'status_503' });
      const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
      const error = upstreamErrorResponse(status, text, typeof retryAfter === 'string' ? retryAfter : undefined);
      if (status === 401 || status === 403) ctx.logger.error({ requestId: plan.requestId, deploymentId: auth.deployment.id, status }, 'llama-server refused the upstream secret');
      ctx.metrics.upstreamErrors.inc({ kind: `status_${status}` });
      answerError(error, `upstream_status_${status}`);
    };
  };

  /** The upstream answered: pick how its body is relayed and send the caller's headers. */
  const startRelay = (statusCode: number, headers: Record<string, string | string[] | undefined>) => {
    ctx.metrics.upstreamFirstByte.labels(route.name).observe((performance.now() - plan.startedAt) / 1000);
    if (statusCode >= 400) return relayError(statusCode, headers['retry-after']);
    if (plan.committed) return relayEvents();
    const sse = isEventStream(headers['content-type']);
    // A JSON body whose model is put back changes length: it goes out chunked.
    const echo = !sse && plan.echoModel !== undefined && isJson(headers['content-type']) ? new ModelEcho(plan.echoModel, true) : undefined;
    const out = responseHeaders(headers, !sse && !echo);
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
      relayEvents();
    } else relayBody(echo);
  };

  ctx.metrics.overhead.observe((performance.now() - plan.startedAt) / 1000);
  const { env } = ctx;
  ctx.agent.dispatch(
    {
      origin: plan.upstream.url,
      path: plan.upstreamPath,
      method: route.method,
      headers: upstreamRequestHeaders(req.headers, auth.deployment.upstreamSecret, plan.requestId, plan.body?.length),
      body: plan.body,
      headersTimeout: env.GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      bodyTimeout: env.GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS,
    },
    {
      onRequestStart(controller) {
        upstream = controller;
        if (finished) controller.abort(callerLeft());
      },
      onResponseStart(controller, statusCode, headers) {
        // 1xx answers are interim; the real one follows.
        if (statusCode < 200 || finished) return;
        startRelay(statusCode, headers);
      },
      onResponseData(_controller, chunk) {
        if (!finished) onData(chunk);
      },
      onResponseEnd() {
        if (!finished) onEnd();
      },
      onResponseError(_controller, error) {
        if (!finished) onError(error);
      },
    },
  );
}
