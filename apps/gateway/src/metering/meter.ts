import type { Logger } from '@gguf/core';
import type { Database } from '@gguf/db';
import { closeRedis, type Redis } from '@gguf/redis';
import { once } from 'node:events';
import type { Budgets } from '../limits/budgets';
import { DirectWriter } from './direct-writer';
import { UsageConsumer } from './usage-consumer';
import { type UsageRecord, sanitizeUsage } from './usage-rows';
import { UsageStream } from './usage-stream';

export interface MeterOptions {
  /** Prefix of the gateway's Redis keys; the stream is `<prefix>:usage`. */
  prefix: string;
  flushMs: number;
  flushRows: number;
  lastUsedIntervalMs: number;
  claimIdleMs: number;
}

const WARN_INTERVAL_MS = 10_000;

/**
 * Metering of finished requests. Each request's usage is appended to a Redis stream before its response ends
 * (UsageStream), and a consumer in every gateway instance moves the stream into usage_hourly exactly once
 * (UsageConsumer), so a gateway killed at any moment loses no usage of a request it answered. While Redis
 * cannot take an append, usage goes straight to Postgres in batches (DirectWriter), and the budget counters
 * of the keys written that way are rebuilt from Postgres once Redis is back.
 */
export class Meter {
  private lastWarnedAt = 0;

  private constructor(
    private readonly connection: Redis,
    private readonly stream: UsageStream,
    private readonly consumer: UsageConsumer,
    private readonly direct: DirectWriter,
    private readonly logger: Logger,
  ) {}

  /** Opens the meter's own Redis connection (the stream's appends and the consumer) and starts consuming. */
  static async start(db: Database, redis: Redis, budgets: Budgets, logger: Logger, options: MeterOptions): Promise<Meter> {
    // Appends must reach the socket at once, in order, and never wait in memory: no auto-pipelining, no
    // offline queue, and what is in flight when the connection drops fails at once (maxRetriesPerRequest 0) and is
    // not re-sent after a reconnect: a failed append goes to Postgres instead.
    const connection = redis.duplicate({
      connectionName: 'gguf-gateway-usage',
      enableAutoPipelining: false,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
    });
    connection.on('error', (error) => logger.warn({ err: error.message }, 'usage connection error'));
    if (connection.status !== 'ready') await once(connection, 'ready');
    const key = `${options.prefix}:usage`;
    const stream = new UsageStream(connection, key, budgets);
    const consumer = new UsageConsumer(connection, db, key, logger, {
      batch: Math.max(options.flushRows, 100),
      intervalMs: options.flushMs,
      claimIdleMs: options.claimIdleMs,
      lastUsedIntervalMs: options.lastUsedIntervalMs,
    });
    const direct = new DirectWriter(db, logger, { ...options, onWritten: (apiKeyIds, at) => budgets.markStale(apiKeyIds, at) });
    consumer.start();
    return new Meter(connection, stream, consumer, direct, logger);
  }

  /** Counts one finished request; call it before the response's end is written. */
  record(usage: UsageRecord, at = Date.now()): void {
    const clean = sanitizeUsage(usage);
    if (this.stream.writable) this.stream.append(clean, at, this.writeDirectly);
    else this.writeDirectly(clean, at);
  }

  private readonly writeDirectly = (usage: UsageRecord, at: number): void => {
    this.direct.record(usage, at);
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn('redis cannot take usage; writing it to postgres directly');
  };

  /** Writes what is left (the stream's tail and anything held for Postgres) and closes the connection. */
  async close(): Promise<void> {
    await this.consumer.close();
    await this.direct.close();
    await closeRedis(this.connection);
  }
}
