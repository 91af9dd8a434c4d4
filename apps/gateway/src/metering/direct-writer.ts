import type { Logger } from '@gguf/core';
import type { Database } from '@gguf/db';
import { LastUsed, touchKeys } from './last-used';
import { type UsageRecord, UsageRows, upsertUsage } from './usage-rows';

export interface DirectWriterOptions {
  flushMs: number;
  flushRows: number;
  lastUsedIntervalMs: number;
  /** Told which keys' usage reached Postgres without passing their budget counters. */
  onWritten: (apiKeyIds: Set<string>, at: number) => void;
}

/** Rows kept while Postgres is unreachable; beyond this the oldest usage is dropped (and logged) instead of exhausting memory. */
const MAX_PENDING_FACTOR = 100;

/**
 * Usage written straight to Postgres, for when the usage stream cannot take it (Redis unreachable): summed in
 * memory per usage_hourly row and written in one statement per batch, at most every flushMs or as soon as
 * flushRows rows are pending. What a gateway killed meanwhile had not written is lost: this is the fallback,
 * not the durable path. Failed writes are retried, up to a bounded backlog.
 */
export class DirectWriter {
  private readonly pending = new UsageRows();
  private readonly lastUsed: LastUsed;
  private touched = new Set<string>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: DirectWriterOptions,
  ) {
    this.lastUsed = new LastUsed(options.lastUsedIntervalMs);
    this.timer = setInterval(() => void this.flush(), options.flushMs);
    this.timer.unref();
  }

  record(usage: UsageRecord, at: number): void {
    this.pending.add(usage, at);
    this.lastUsed.note(usage.apiKeyId, at);
    this.touched.add(usage.apiKeyId);
    if (this.pending.size >= this.options.flushRows) void this.flush();
  }

  /** Writes what is pending; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0 && this.lastUsed.size === 0) return;
    const rows = this.pending.take();
    const lastUsed = this.lastUsed.take();
    const touched = this.touched;
    this.touched = new Set();
    try {
      // One transaction: a failure retries both, and never counts the rows twice.
      const statements = [...(rows.length > 0 ? [upsertUsage(rows)] : []), ...(lastUsed.size > 0 ? [touchKeys(lastUsed)] : [])];
      await this.db.$transaction(statements.map((sql) => this.db.$executeRaw(sql)));
      this.lastUsed.done(lastUsed);
      if (touched.size > 0) this.options.onWritten(touched, Date.now());
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), rows: rows.length }, 'could not write usage; will retry');
      // Back in front of what arrived during the write, so that the trim below drops the oldest usage.
      const arrived = this.pending.take();
      for (const row of [...rows, ...arrived]) this.pending.merge(row);
      this.lastUsed.restore(lastUsed);
      for (const id of touched) this.touched.add(id);
      const dropped = this.pending.trim(this.options.flushRows * MAX_PENDING_FACTOR);
      if (dropped > 0) this.logger.error({ dropped }, 'usage rows dropped: postgres has been unreachable for too long');
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.size > 0) await this.flush();
  }
}
