import { type HealthCheck, type Logger, secretBoxFromEnv } from '@gguf/core';
import { type GatewayEnv } from './env';
import type { Database } from '@gguf/db';
import { closeRedis, type Redis } from '@gguf/redis';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { Agent } from 'undici';
import { ActivityTracker } from './activity/activity-tracker';
import { Directory } from './auth/directory';
import { Balancer } from './balancing/balancer';
import { UpstreamEjections } from './failover/upstream-ejections';
import { subscribeToChanges } from './auth/invalidation';
import type { GatewayContext } from './context';
import { Budgets } from './limits/budgets';
import { RateLimiter } from './limits/rate-limiter';
import { Meter } from './metering/meter';
import { createMetrics } from './metrics';
import { createGatewayServer } from './server';
import { trackQuietConnections } from './http/quiet-connections';
import { HeldRequests } from './wake/held-requests';

export interface GatewayDeps {
  db: Database;
  /** Connection settings to copy: the gateway opens its own connections for change notifications and rate limits. */
  redis: Redis;
  env: GatewayEnv;
  logger: Logger;
  /** One line per request, built from ids, statuses and counts only; defaults to `logger`. */
  accessLogger?: Logger;
  healthChecks?: Record<string, HealthCheck>;
}

export interface Gateway {
  /** Not yet listening: call `listen`. */
  server: Server;
  context: GatewayContext;
  /** Stops accepting requests, writes pending usage and closes the gateway's own connections (not `db` or `redis`). */
  close(): Promise<void>;
}

/** How often requests in flight go to Redis for the workers' sleep and wake decisions. */
const ACTIVITY_FLUSH_MS = 1_000;

/** Builds a gateway: caches subscribed to change notifications, limiter, meter, metrics and the HTTP server. */
export async function createGateway({ db, redis, env, logger, accessLogger = logger, healthChecks = {} }: GatewayDeps): Promise<Gateway> {
  const metrics = createMetrics();
  const directory = new Directory(db, { ttlMs: env.GATEWAY_CACHE_TTL_MS, negativeTtlMs: env.GATEWAY_NEGATIVE_CACHE_TTL_MS, maxEntries: env.GATEWAY_CACHE_MAX_ENTRIES, secrets: secretBoxFromEnv(env) });
  const subscriber = redis.duplicate({ connectionName: 'gguf-gateway-changes' });
  // Stream-slot requests arriving together share one write to Redis (auto-pipelining) on a connection of their own.
  const limiterRedis = redis.duplicate({ connectionName: 'gguf-gateway-limits', enableAutoPipelining: true });
  limiterRedis.on('error', (error) => logger.warn({ err: error.message }, 'rate-limit connection error'));
  subscriber.on('error', (error) => logger.warn({ err: error.message }, 'change-notification connection error'));
  // Both wait for Redis: a gateway that cannot hear about revocations must not start serving.
  await subscribeToChanges(subscriber, directory, logger);
  if (limiterRedis.status !== 'ready') await once(limiterRedis, 'ready');
  const ejections = new UpstreamEjections(env.GATEWAY_UPSTREAM_EJECT_MS);
  const balancer = new Balancer(ejections, metrics);
  const budgets = new Budgets(limiterRedis, db, env.GATEWAY_RATE_LIMIT_PREFIX, logger, () => metrics.limiterFailOpen.inc());
  const context: GatewayContext = {
    env,
    logger,
    accessLogger,
    directory,
    metrics,
    limiter: new RateLimiter(limiterRedis, env.GATEWAY_RATE_LIMIT_PREFIX, logger, (requests) => metrics.limiterFailOpen.inc(requests), budgets),
    meter: await Meter.start(db, redis, budgets, logger, {
      prefix: env.GATEWAY_RATE_LIMIT_PREFIX,
      flushMs: env.GATEWAY_METER_FLUSH_MS,
      flushRows: env.GATEWAY_METER_FLUSH_ROWS,
      lastUsedIntervalMs: env.GATEWAY_LAST_USED_INTERVAL_MS,
      claimIdleMs: env.GATEWAY_USAGE_CLAIM_MS,
    }),
    activity: new ActivityTracker(redis, logger, { flushMs: ACTIVITY_FLUSH_MS, servers: balancer }),
    held: new HeldRequests({ directory, ejections, redis, logger, metrics }),
    ejections,
    balancer,
    agent: new Agent({
      connections: env.GATEWAY_UPSTREAM_CONNECTIONS,
      connect: { timeout: env.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS },
      keepAliveTimeout: 30_000,
    }),
  };
  const server = createGatewayServer(context, healthChecks);
  const quiet = trackQuietConnections(server);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        quiet.closeQuiet();
      });
      // Held requests would keep their connections open for up to their wake timeout: they are answered now.
      context.held.close();
      await closed;
      await context.activity.close();
      await context.limiter.close();
      budgets.close();
      await context.meter.close();
      await Promise.allSettled([context.agent.close(), closeRedis(subscriber), closeRedis(limiterRedis)]);
    })());
  return { server, context, close };
}
