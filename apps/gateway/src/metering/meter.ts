import type { Logger } from '@gguf/core';
import type { Database } from '@gguf/db';
import { closeRedis, type Redis } from '@gguf/redis';
import { once } from 'node:events';
import type { Budgets } from '../limits/budgets';
import { DirectWriter } from './direct-writer';
import { UsageConsumer } from './usage-consumer';
import { type UsageRecord, sanitizeUsage } from './usage-rows';
import { type TimedUsage, UsageStream } from './usage-stream';

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
 * Metering of finished requests. The usage of the requests that end in one turn of the event loop is appended
 * to a Redis stream in one command, and only then are their responses' ends written (UsageStream); a consumer
 * in every gateway instance moves the stream into usage_hourly exactly once (UsageConsumer). So a gateway
 * killed at any moment loses no usage of a request it answered. While Redis cannot take an append, usage goes
 * straight to Postgres in batches (DirectWriter), and the budget counters of the keys written that way are
 * rebuilt from Postgres once Redis is back.
 */
export class Meter {
  private lastWarnedAt = 0;
  /** Usage of this turn of the event loop, and the response ends waiting for it to be sent. */
  private batch: TimedUsage[] = [];
  private ends: (() => void)[] = [];
  private scheduled = false;

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
    const stream = new UsageStream(connection, key);
    const consumer = new UsageConsumer(connection, db, key, budgets, logger, {
      batch: Math.max(options.flushRows, 100),
      intervalMs: options.flushMs,
      claimIdleMs: options.claimIdleMs,
      lastUsedIntervalMs: options.lastUsedIntervalMs,
    });
    const direct = new DirectWriter(db, logger, { ...options, onWritten: (apiKeyIds, at) => budgets.markStale(apiKeyIds, at) });
    consumer.start();
    return new Meter(connection, stream, consumer, direct, logger);
  }

  /**
   * Counts one finished request. `end` writes the response's end: it is called once the usage is on its way,
   * later in this turn of the event loop, with the other requests that ended in it (one append for all).
   */
  record(usage: UsageRecord, end?: () => void): void {
    const timed = { usage: sanitizeUsage(usage), at: Date.now() };
    if (!this.stream.writable) {
      this.writeDirectly([timed]);
      end?.();
      return;
    }
    this.batch.push(timed);
    if (end) this.ends.push(end);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.send);
    }
  }

  /** Appends this turn's usage, then writes the responses' ends. */
  private readonly send = (): void => {
    this.scheduled = false;
    const { batch, ends } = this;
    this.batch = [];
    this.ends = [];
    const endAll = () => {
      for (const end of ends) end();
    };
    if (batch.length > 0 && this.stream.writable) {
      this.stream.append(batch, this.writeDirectly);
      this.stream.flushed(endAll);
      return;
    }
    if (batch.length > 0) this.writeDirectly(batch);
    endAll();
  };

  private readonly writeDirectly = (batch: TimedUsage[]): void => {
    for (const { usage, at } of batch) this.direct.record(usage, at);
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn('redis cannot take usage; writing it to postgres directly');
  };

  /** Writes what is left (the stream's tail and anything held for Postgres) and closes the connection. */
  async close(): Promise<void> {
    this.send();
    await this.consumer.close();
    await this.direct.close();
    await closeRedis(this.connection);
  }
}
