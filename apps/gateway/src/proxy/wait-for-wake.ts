import type { ServerResponse } from 'node:http';
import type { Authorized, Waking } from '../auth/authorize';
import type { GatewayContext } from '../context';
import { type GatewayError, sendError, streamErrorEvent } from '../http/errors';
import type { RouteSpec } from '../routes';
import { recordOutcome } from './outcome';

/** Headers of an event stream, as forward.ts sends them for a relayed one. */
export const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } as const;

/**
 * Holds a request while its deployment wakes (see wake/held-requests.ts). A streamed request gets its 200 and
 * event-stream headers at once, then a `: waking <id>` comment right away and every
 * GATEWAY_WAKE_COMMENT_INTERVAL_MS, which SSE parsers skip: the caller sees progress and no proxy in between
 * closes an idle connection. Its headers are then out (`res.headersSent`): whatever follows is written as events.
 * Resolves with the route to forward to, the answer to give, or `left` once the caller disconnects (at once).
 */
export function waitForWake(ctx: GatewayContext, res: ServerResponse, waking: Waking, streamed: boolean, headers: Record<string, string>): Promise<Authorized | GatewayError | 'left'> {
  const deploymentId = waking.waking.id;
  let comments: NodeJS.Timeout | undefined;
  if (streamed) {
    // A retried stream held a second time has its headers out already.
    if (!res.headersSent) res.writeHead(200, { ...headers, ...EVENT_STREAM_HEADERS });
    const comment = `: waking ${deploymentId}\n\n`;
    res.write(comment);
    comments = setInterval(() => res.write(comment), ctx.env.GATEWAY_WAKE_COMMENT_INTERVAL_MS);
  }
  return new Promise((resolve) => {
    const onClose = () => {
      letGo();
      done('left');
    };
    const done = (outcome: Authorized | GatewayError | 'left') => {
      clearInterval(comments);
      res.off('close', onClose);
      resolve(outcome);
    };
    const letGo = ctx.held.hold(waking, done);
    if (res.destroyed) onClose();
    else res.on('close', onClose);
  });
}

export interface HeldRequest {
  requestId: string;
  route: RouteSpec;
  streamed: boolean;
  /** Request id and rate-limit headers, sent with every answer. */
  headers: Record<string, string>;
  startedAt: number;
  /** Frees the request's concurrency slot and ends its activity. */
  release: () => void;
}

/**
 * Holds the request until its deployment runs and returns the route to forward to; or answers it (not woken in
 * time, stopped, deleted: an error response, or a terminal event once a stream's headers are out) and returns
 * undefined, as it does for a caller that left.
 */
export async function holdForWake(ctx: GatewayContext, res: ServerResponse, waking: Waking, held: HeldRequest): Promise<Authorized | undefined> {
  const outcome = await waitForWake(ctx, res, waking, held.streamed, held.headers);
  if (outcome !== 'left' && !('status' in outcome)) return outcome;
  return answerHeld(ctx, res, held, outcome);
}

/**
 * Ends a held (or retried) request without forwarding it: its caller left, or `outcome` is its answer (an error
 * response, or a terminal event once a stream's headers are out). Frees its slot.
 */
export function answerHeld(ctx: GatewayContext, res: ServerResponse, held: HeldRequest, outcome: GatewayError | 'left'): undefined {
  held.release();
  const record = (status: number, result: string) => {
    recordOutcome(ctx, { requestId: held.requestId, route: held.route, status, result, startedAt: held.startedAt, streamed: held.streamed });
    return undefined;
  };
  if (outcome === 'left') {
    // A client that half-closed its side would otherwise keep the socket until a timeout.
    res.destroy();
    return record(499, 'client_closed');
  }
  // At shutdown the connection goes with the answer: a keep-alive one would hold the server's close until it idles out.
  const closing = ctx.held.closing;
  if (res.headersSent) {
    const socket = res.socket;
    res.end(streamErrorEvent(held.route.protocol, outcome.message, outcome), () => closing && socket?.end());
    return record(res.statusCode, `${outcome.code}_mid_stream`);
  }
  sendError(res, held.route.protocol, outcome, closing ? { ...held.headers, connection: 'close' } : held.headers);
  return record(outcome.status, outcome.code);
}
