import type { Logger } from '@gguf/core';
import { type Database, Prisma } from '@gguf/db';
import type { Redis } from '@gguf/redis';
import { type BudgetMonth, budgetMonth } from './budget-month';
import { withTimeout } from './with-timeout';

/** How long a count this instance holds is trusted before it asks Redis again (the keys in the usage it writes are refreshed as it writes). */
const REFRESH_MS = 1_000;
/** Counters outlive their month a little, for requests that finish just after it ends. */
const COUNTER_GRACE_MS = 86_400_000;
const FORGET_AFTER_MS = 10 * 60_000;
const WARN_INTERVAL_MS = 10_000;

/**
 * Sets a missing counter to the sum Postgres holds and returns the counter as it then stands (another
 * instance may have set it first). KEYS: counter. ARGV: tokens used per Postgres, expiry (epoch ms).
 */
const REBUILD_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2])
return redis.call('GET', KEYS[1])
`;

type BudgetCommands = { ggufBudgetRebuild(key: string, used: number, expiresAt: number): Promise<string | null> };

interface Known {
  month: number;
  used: number;
  /** When `used` was last heard from Redis (or Postgres). */
  at: number;
  loading?: Promise<number>;
}

/**
 * Tokens each key used this UTC month, shared by every gateway instance: one counter per key and month in
 * Redis, incremented by the script that acknowledges usage written to Postgres (see metering/consumer-scripts.ts),
 * exactly once per stream entry. The count thus follows usage_hourly, about GATEWAY_METER_FLUSH_MS behind the
 * requests.
 *
 * A counter Redis does not have (first use this month, a budget set mid-month, Redis lost its data) is rebuilt
 * from usage_hourly before it is trusted (SET NX: instances racing to rebuild agree). The rule: usage being
 * written at the moment of a rebuild (committed to Postgres on one side of the rebuild's read, acknowledged on
 * the other) may be counted twice or not at all, so a count is off by at most one batch of the key's usage in
 * flight, besides the requests admitted before their tokens were known. Usage written to Postgres directly
 * while Redis was unreachable makes the key's counter stale: it is deleted once Redis answers, and rebuilt.
 * Without Redis, Postgres's sum is the count; without either, the last known count stands (fail open).
 */
export class Budgets {
  private readonly redis: Redis & BudgetCommands;
  private readonly known = new Map<string, Known>();
  /** Counters that missed usage written while Redis was unreachable, deleted when it answers. */
  private readonly stale = new Set<string>();
  private current: BudgetMonth = budgetMonth(Date.now());
  private readonly timer: NodeJS.Timeout;
  private lastWarnedAt = 0;

  constructor(
    redis: Redis,
    private readonly db: Database,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly onFailOpen: () => void = () => undefined,
  ) {
    redis.defineCommand('ggufBudgetRebuild', { numberOfKeys: 1, lua: REBUILD_SCRIPT });
    this.redis = redis as Redis & BudgetCommands;
    // Redis may have lost its data while this instance was away from it: counts start over from Redis.
    redis.on('ready', () => {
      this.known.clear();
      void this.deleteStale();
    });
    this.timer = setInterval(() => this.forgetIdle(), FORGET_AFTER_MS);
    this.timer.unref();
  }

  /** The UTC month `at` falls in (computed once per month, not per request). */
  monthOf(at: number): BudgetMonth {
    if (at < this.current.start || at >= this.current.next) this.current = budgetMonth(at);
    return this.current;
  }

  counterKey(apiKeyId: string, month: BudgetMonth): string {
    return `${this.prefix}:budget:${month.label}:${apiKeyId}`;
  }

  /** Counters expire this long after their month. */
  expiryOf(month: BudgetMonth): number {
    return month.next + COUNTER_GRACE_MS;
  }

  /** Tokens the key used this month: from memory when recent, else from Redis (rebuilt from Postgres when missing). */
  used(apiKeyId: string, now: number): number | Promise<number> {
    const month = this.monthOf(now);
    const known = this.known.get(apiKeyId);
    if (known?.month === month.start) {
      if (now - known.at < REFRESH_MS) return known.used;
      if (known.loading) return known.loading;
    }
    const entry: Known = known?.month === month.start ? known : { month: month.start, used: 0, at: 0 };
    this.known.set(apiKeyId, entry);
    const loading = this.read(apiKeyId, month, entry.used).then((used) => {
      entry.used = used;
      entry.at = Date.now();
      return used;
    });
    entry.loading = loading;
    void loading.finally(() => entry.loading === loading && (entry.loading = undefined));
    return loading;
  }

  /** The counter as the acknowledgement script left it: the key's count including every instance's usage. */
  observe(apiKeyId: string, monthStart: number, used: number): void {
    const known = this.known.get(apiKeyId);
    if (known?.month !== monthStart) return;
    known.used = used;
    known.at = Date.now();
  }

  /** Usage of these keys went to Postgres without passing the counters: they are deleted and rebuilt. */
  markStale(apiKeyIds: Iterable<string>, at: number): void {
    const month = this.monthOf(at);
    for (const id of apiKeyIds) {
      this.stale.add(this.counterKey(id, month));
      this.known.delete(id);
    }
    void this.deleteStale();
  }

  private async deleteStale(): Promise<void> {
    if (this.stale.size === 0 || this.redis.status !== 'ready') return;
    const keys = [...this.stale];
    this.stale.clear();
    try {
      await this.redis.del(...keys);
    } catch (error) {
      for (const key of keys) this.stale.add(key);
      this.warn('could not reset token budget counters; retrying when redis answers', error);
    }
  }

  private async read(apiKeyId: string, month: BudgetMonth, lastKnown: number): Promise<number> {
    if (this.redis.status === 'ready') {
      const key = this.counterKey(apiKeyId, month);
      try {
        const counted = await withTimeout(this.redis.get(key));
        if (counted !== null) return Number(counted);
        const rebuilt = await withTimeout(this.redis.ggufBudgetRebuild(key, await this.usedPerPostgres(apiKeyId, month), this.expiryOf(month)));
        return Number(rebuilt);
      } catch (error) {
        this.warn('token budget counter unavailable; using postgres', error);
      }
    }
    try {
      return await this.usedPerPostgres(apiKeyId, month);
    } catch (error) {
      this.onFailOpen();
      this.warn('token budget usage unavailable; using the last known count', error);
      return lastKnown;
    }
  }

  private async usedPerPostgres(apiKeyId: string, month: BudgetMonth): Promise<number> {
    const [row] = await this.db.$queryRaw<{ used: string }[]>(Prisma.sql`
      SELECT COALESCE(SUM(input_tokens + output_tokens), 0)::text AS used FROM usage_hourly
      WHERE api_key_id = ${apiKeyId} AND hour >= ${new Date(month.start).toISOString()}::timestamp(3) AND hour < ${new Date(month.next).toISOString()}::timestamp(3)`);
    return Number(row?.used ?? 0);
  }

  private forgetIdle(): void {
    const before = Date.now() - FORGET_AFTER_MS;
    for (const [id, known] of this.known) if (known.at < before && !known.loading) this.known.delete(id);
  }

  private warn(message: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnedAt < WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, message);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
