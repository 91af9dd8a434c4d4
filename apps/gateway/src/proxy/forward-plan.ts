import type { Authorized } from '../auth/authorize';
import type { Upstream } from '../auth/directory';
import type { AffinityKey } from '../balancing/affinity-key';
import type { RouteSpec } from '../routes';

/** Why a request is tried again: its upstream refused the connection, lost it before answering, or answered 503 with nothing relayed. */
export type RetryReason = 'connect_refused' | 'connection_lost' | 'status_503';

export interface ForwardPlan {
  requestId: string;
  route: RouteSpec;
  /** Path and query string on llama-server. */
  upstreamPath: string;
  auth: Authorized;
  /** The deployment's server this try goes to (see balancing/). */
  upstream: Upstream;
  /** What keeps the request's conversation on one server; undefined when the request names none (a GET). */
  affinity: AffinityKey | undefined;
  body: Buffer | undefined;
  streamed: boolean;
  /** The gateway added `stream_options.include_usage`; the caller must not see the chunk it produces. */
  stripUsageOnlyChunk: boolean;
  /** The `model` the caller sent, put back into the reply in place of llama-server's name (see ModelEcho). */
  echoModel: string | undefined;
  /** Request id and rate-limit headers, sent with every answer. */
  headers: Record<string, string>;
  /**
   * The caller's 200 event-stream headers are out already (a stream held while its deployment woke): the
   * upstream stream is relayed without headers, and an answer that is not one becomes a terminal error event.
   */
  committed: boolean;
  /** Frees the request's concurrency slot and ends its activity. */
  release: () => void;
  startedAt: number;
  /**
   * Set while the request may still be tried again (once): an upstream that fails before sending anything hands
   * the request over to it instead of answering (see failover/dispatch.ts). Its slot stays taken meanwhile.
   */
  retry?: (reason: RetryReason) => void;
}

