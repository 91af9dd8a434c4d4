import { commonEnv, durationMs, port, positiveInt } from '@gguf/core';
import { z } from 'zod';

/** A limit where 0 means "no limit". */
const limit = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'cannot be negative');

export const gatewayEnv = commonEnv.extend({
  // Port the gateway listens on: every SDK call comes through it.
  GATEWAY_PORT: port.default(3001),
  // Interface to bind; 0.0.0.0 serves every interface.
  HOST: z.string().default('0.0.0.0'),

  // Largest request body accepted, in bytes; larger ones get 413 before they are read.
  GATEWAY_MAX_BODY_BYTES: positiveInt.default(16 * 1024 * 1024),
  // Time a client has to send its request headers; slow-loris connections are closed after it.
  GATEWAY_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  // Time a client has to send its whole request (headers and body).
  GATEWAY_REQUEST_TIMEOUT_MS: positiveInt.default(60_000),
  // How long an idle client keep-alive connection stays open.
  GATEWAY_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000),

  // Time to open a TCP connection to a llama-server before answering 504.
  GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  // Time until llama-server's response headers arrive (a non-streamed generation sends them only at the end) before 504.
  GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: positiveInt.default(300_000),
  // Longest silence between two chunks of an upstream body before the response is ended with an error.
  GATEWAY_UPSTREAM_IDLE_TIMEOUT_MS: positiveInt.default(300_000),
  // Keep-alive connections kept open per llama-server.
  GATEWAY_UPSTREAM_CONNECTIONS: positiveInt.default(128),
  // How long a llama-server that failed before answering (refused, reset, 503 with nothing sent) is skipped: its
  // requests are retried once elsewhere or held meanwhile. A new ready time (the worker restarted it) ends it sooner.
  GATEWAY_UPSTREAM_EJECT_MS: positiveInt.default(5_000),
  // How long a request whose upstream keeps failing before its first byte may go on waiting for the deployment to
  // come back (at most its wake_timeout_s): a lost node's deployment says running until the worker notices
  // (NODE_STALE_AFTER_MS, 30 s by default) and places it elsewhere. 0: retried once only.
  GATEWAY_UPSTREAM_RETRY_WINDOW_MS: durationMs.default(45_000),

  // Requests per minute per API key (sliding window, shared by all gateway instances through Redis); 0 = no limit.
  GATEWAY_KEY_RPM: limit.default(600),
  // Requests per minute per organization when the organization sets no rate_limit_rpm; 0 = no limit.
  GATEWAY_ORG_RPM: limit.default(1_200),
  // Concurrent streamed responses per API key; 0 = no limit.
  GATEWAY_KEY_MAX_STREAMS: limit.default(32),
  // Concurrent streamed responses per organization when it sets no max_concurrent_streams; 0 = no limit.
  GATEWAY_ORG_MAX_STREAMS: limit.default(64),
  // Prefix of every Redis key the gateway writes (rate limits, token budgets, the usage stream `<prefix>:usage`), so
  // several products (or test runs) can share one Redis; every gateway instance of one product uses the same.
  GATEWAY_RATE_LIMIT_PREFIX: z.string().min(1).default('gguf:rl'),

  // Safety-net lifetime of cached keys, deployments and organizations; changes are normally pushed over Redis at once.
  GATEWAY_CACHE_TTL_MS: positiveInt.default(30_000),
  // Lifetime of a cached "no such key / deployment", so unknown keys do not reach Postgres on every request.
  GATEWAY_NEGATIVE_CACHE_TTL_MS: positiveInt.default(5_000),
  // Most entries each cache holds; the oldest are dropped beyond it.
  GATEWAY_CACHE_MAX_ENTRIES: positiveInt.default(100_000),

  // Longest time metered usage waits (in the Redis usage stream, or in memory while Redis is unreachable) before it is written to Postgres.
  GATEWAY_METER_FLUSH_MS: positiveInt.default(1_000),
  // Most usage rows (or usage stream entries) written in one batch; more pending triggers an early write.
  GATEWAY_METER_FLUSH_ROWS: positiveInt.default(500),
  // Usage a gateway read from the usage stream but has not written for this long is taken over by another instance
  // (the gateway is presumed dead); it must exceed the time one write to Postgres takes.
  GATEWAY_USAGE_CLAIM_MS: positiveInt.default(15_000),
  // Minimum time between two writes of one key's last_used_at.
  GATEWAY_LAST_USED_INTERVAL_MS: durationMs.default(60_000),

  // How often a streamed request held while its deployment wakes gets an SSE comment (`: waking <id>`): proxies and
  // clients that close idle connections (often after 30-60 s) see bytes, and the caller sees it is not forgotten.
  GATEWAY_WAKE_COMMENT_INTERVAL_MS: positiveInt.default(5_000),

  // Bearer token required by GET /metrics. Unset: /metrics is open only while the gateway listens on loopback
  // (HOST 127.x, ::1 or localhost); bound beyond loopback without a token, /metrics answers 403.
  GATEWAY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type GatewayEnv = z.infer<typeof gatewayEnv>;
