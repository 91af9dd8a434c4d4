import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@gguf/core';
import { type Database, Prisma } from '@gguf/db';
import type { Redis } from '@gguf/redis';
import { ACK_SCRIPT, type ConsumerCommands, MARK_SCRIPT } from './consumer-scripts';
import { LastUsed, touchKeys } from './last-used';
import type { Budgets } from '../limits/budgets';
import { type Entry, GROUP, GroupMember } from './usage-group';
import { decodeEntry, type TimedUsage } from './usage-stream';
import { UsageRows, upsertUsage } from './usage-rows';

export interface UsageConsumerOptions {
  /** Entries read at once. */
  batch: number;
  /** Pause between reads when the stream had less than a batch. */
  intervalMs: number;
  /** Entries another consumer has held this long unacknowledged are taken over (it is presumed dead). */
  claimIdleMs: number;
  lastUsedIntervalMs: number;
}


/** The usage an entry holds; none when it was deleted while pending or is not an entry a gateway wrote. */
const usageOf = ([, fields]: Entry): TimedUsage[] => (fields?.[0] === 'u' && fields[1] !== undefined ? decodeEntry(fields[1]) : []);

/** After this many failed attempts in a row, entries are written one by one so that one Postgres refuses cannot hold back the rest. */
const ISOLATE_AFTER_FAILURES = 3;
const MAX_BACKOFF_MS = 10_000;
const DRAIN_MS = 5_000;
const TRANSACTION_TIMEOUT_MS = 30_000;
const WARN_INTERVAL_MS = 10_000;

class NotOwned extends Error {}

/**
 * Moves the usage stream into usage_hourly: one member of a consumer group per gateway instance, so each
 * entry is written by one of them, and entries a killed instance had read but not written are taken over by
 * another (XAUTOCLAIM) once idle for claimIdleMs.
 *
 * Exactly once, without a table of applied entries: before committing, a consumer records in Redis which
 * Postgres transaction (pg_current_xact_id) is writing each entry, and only while it still owns every one of
 * them (MARK_SCRIPT). Whoever later holds an unacknowledged entry asks Postgres how that transaction ended
 * (pg_xact_status): committed, the entry is only acknowledged; aborted or never marked, it is written; still in
 * progress, it is left for later. A redelivery, a takeover or a commit whose answer was lost is thus never
 * counted twice. Acknowledged entries are deleted, so the stream holds only what is still to be written, and
 * their tokens are added to the keys' budget counters in the same script: exactly once per entry.
 */
export class UsageConsumer {
  readonly name = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly redis: Redis & ConsumerCommands;
  private readonly group: GroupMember;
  private readonly markers: string;
  private readonly lastUsed: LastUsed;
  private closing = false;
  private running: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  /** Entries may be pending for this consumer (after a failure, a takeover, or a write still in progress elsewhere). */
  private backlog = true;
  private lastClaimAt = 0;
  private failures = 0;
  private lastWarnedAt = 0;

  constructor(
    redis: Redis,
    private readonly db: Database,
    private readonly stream: string,
    private readonly budgets: Budgets,
    private readonly logger: Logger,
    private readonly options: UsageConsumerOptions,
  ) {
    redis.defineCommand('ggufUsageMark', { numberOfKeys: 2, lua: MARK_SCRIPT });
    redis.defineCommand('ggufUsageAck', { lua: ACK_SCRIPT });
    this.redis = redis as Redis & ConsumerCommands;
    this.markers = `${stream}:markers`;
    this.group = new GroupMember(redis, stream, this.name, options.batch);
    this.lastUsed = new LastUsed(options.lastUsedIntervalMs);
  }

  start(): void {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.closing) {
      let more = false;
      try {
        more = (await this.step()).more;
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.backlog = true;
        this.warn('could not move usage from redis to postgres; will retry', error);
      }
      if (!more && !this.closing) await this.pause(this.failures === 0 ? this.options.intervalMs : Math.min(this.options.intervalMs * 2 ** this.failures, MAX_BACKOFF_MS));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Reads this consumer's backlog (when it may have one) and new entries, and writes them. */
  private async step(): Promise<{ read: number; more: boolean }> {
    if (this.redis.status !== 'ready') return { read: 0, more: false };
    const pending = this.backlog ? await this.group.read('0') : [];
    this.backlog = pending.length >= this.options.batch;
    const fresh = await this.group.read('>');
    if (pending.length + fresh.length > 0 && (await this.apply(pending, fresh)) > 0) this.backlog = true;
    if (Date.now() - this.lastClaimAt >= this.options.claimIdleMs / 2) {
      this.lastClaimAt = Date.now();
      if (await this.group.claim(this.options.claimIdleMs)) this.backlog = true;
    }
    return { read: pending.length + fresh.length, more: this.backlog || fresh.length >= this.options.batch };
  }

  /**
   * Writes what is not yet in Postgres and acknowledges what is; returns how many are still being written
   * elsewhere. Only entries delivered before (`pending`) can have been marked by a consumer: a first delivery
   * (`fresh`) is written without looking.
   */
  private async apply(pending: Entry[], fresh: Entry[]): Promise<number> {
    const markers = pending.length > 0 ? await this.redis.hmget(this.markers, ...pending.map(([id]) => id)) : [];
    const statuses = await this.transactionStatuses(markers);
    const done: Entry[] = [];
    const todo: Entry[] = [...fresh];
    let elsewhere = 0;
    pending.forEach((entry, i) => {
      const status = markers[i] == null ? 'unmarked' : statuses.get(markers[i]!);
      if (status === 'in progress') elsewhere++;
      else if (status === 'committed') done.push(entry);
      else todo.push(entry);
    });
    if (todo.length > 0 && this.failures < ISOLATE_AFTER_FAILURES) {
      if (await this.write(todo)) done.push(...todo);
    } else if (todo.length > 0) {
      done.push(...(await this.writeOneByOne(todo)));
    }
    if (done.length > 0) await this.acknowledge(done);
    return elsewhere;
  }

  /** Acknowledges entries that are in Postgres and adds their tokens to the keys' budget counters. */
  private async acknowledge(entries: Entry[]): Promise<void> {
    const tokens = new Map<string, { apiKeyId: string; month: number; tokens: number }>();
    for (const { usage, at } of entries.flatMap(usageOf)) {
      const month = this.budgets.monthOf(at);
      const counter = this.budgets.counterKey(usage.apiKeyId, month);
      const entry = tokens.get(counter) ?? { apiKeyId: usage.apiKeyId, month: month.start, tokens: 0 };
      entry.tokens += usage.inputTokens + usage.outputTokens;
      tokens.set(counter, entry);
    }
    const ids = entries.map(([id]) => id);
    const counters = [...tokens.keys()];
    const counts = await this.redis.ggufUsageAck(2 + counters.length, this.stream, this.markers, ...counters, GROUP, ids.length, ...ids, ...[...tokens.values()].map((t) => t.tokens));
    [...tokens.values()].forEach(({ apiKeyId, month }, i) => {
      if (counts[i]! >= 0) this.budgets.observe(apiKeyId, month, counts[i]!);
    });
  }

  /** How each marked transaction ended. One Postgres no longer knows (far older than any takeover) counts as committed. */
  private async transactionStatuses(markers: (string | null)[]): Promise<Map<string, string>> {
    const xids = [...new Set(markers.filter((marker): marker is string => marker !== null))];
    if (xids.length === 0) return new Map();
    const rows = await this.db.$queryRaw<{ xid: string; status: string | null }[]>(
      Prisma.sql`SELECT x AS xid, pg_xact_status(x::xid8) AS status FROM unnest(${xids}::text[]) AS x`,
    );
    return new Map(rows.map(({ xid, status }) => [xid, status ?? 'committed']));
  }

  /** One transaction for the entries, marked in Redis before it commits; false when another consumer took them meanwhile. */
  private async write(entries: Entry[]): Promise<boolean> {
    const rows = new UsageRows();
    for (const { usage, at } of entries.flatMap(usageOf)) {
      rows.add(usage, at);
      this.lastUsed.note(usage.apiKeyId, at);
    }
    const lastUsed = this.lastUsed.take();
    const ids = entries.map(([id]) => id);
    try {
      await this.db.$transaction(
        async (tx) => {
          const [{ xid }] = (await tx.$queryRaw<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`) as [{ xid: string }];
          if ((await this.redis.ggufUsageMark(this.stream, this.markers, GROUP, this.name, xid, ...ids)) !== 1) throw new NotOwned();
          if (rows.size > 0) await tx.$executeRaw(upsertUsage(rows.take()));
          if (lastUsed.size > 0) await tx.$executeRaw(touchKeys(lastUsed));
        },
        { maxWait: TRANSACTION_TIMEOUT_MS, timeout: TRANSACTION_TIMEOUT_MS },
      );
    } catch (error) {
      this.lastUsed.restore(lastUsed);
      if (error instanceof NotOwned) return false;
      throw error;
    }
    this.lastUsed.done(lastUsed);
    return true;
  }

  /** After repeated failures: each entry on its own; one Postgres refuses while it answers otherwise is dropped and logged. */
  private async writeOneByOne(entries: Entry[]): Promise<Entry[]> {
    const done: Entry[] = [];
    for (const entry of entries) {
      try {
        if (await this.write([entry])) done.push(entry);
      } catch (error) {
        await this.db.$queryRaw`SELECT 1`;
        this.logger.error({ entry: entry[0], fields: entry[1], err: error instanceof Error ? error.message : String(error) }, 'postgres refuses this usage entry; dropped');
        // Acknowledged without its tokens: they are not in Postgres either.
        done.push([entry[0], null]);
      }
    }
    return done;
  }

  private warn(message: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, message);
  }

  /** Stops reading; writes what is left in the stream (within a few seconds) and leaves the group when nothing is pending here. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.running;
    const deadline = Date.now() + DRAIN_MS;
    try {
      while (Date.now() < deadline && (await this.step()).read > 0);
      await this.group.leave();
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'usage left in redis at shutdown; another gateway or the next start writes it');
    }
  }
}
