import type { Logger } from '@gguf/core';
import { type GatewayEnv } from './env';
import type { Agent } from 'undici';
import type { ActivityTracker } from './activity/activity-tracker';
import type { Directory } from './auth/directory';
import type { Balancer } from './balancing/balancer';
import type { UpstreamEjections } from './failover/upstream-ejections';
import type { RateLimiter } from './limits/rate-limiter';
import type { Meter } from './metering/meter';
import type { Metrics } from './metrics';
import type { HeldRequests } from './wake/held-requests';

/** Everything a request handler needs; built once by createGateway. */
export interface GatewayContext {
  env: GatewayEnv;
  logger: Logger;
  /** The per-request line (see recordOutcome). */
  accessLogger: Logger;
  directory: Directory;
  limiter: RateLimiter;
  meter: Meter;
  metrics: Metrics;
  /** Requests in flight per deployment, told to the workers through Redis. */
  activity: ActivityTracker;
  /** Requests waiting for their deployment to wake or come back. */
  held: HeldRequests;
  /** Upstreams that just failed before answering, skipped for a few seconds. */
  ejections: UpstreamEjections;
  /** Chooses the server of a deployment each request goes to, from the requests in flight on each. */
  balancer: Balancer;
  /** Keep-alive connection pools, one per llama-server origin. */
  agent: Agent;
}
