import type { Logger } from '@gguf/core';
import type { Redis } from '@gguf/redis';
import { ACQUIRE_SCRIPT, COUNT_SCRIPT, RENEW_SCRIPT } from './limit-script';
import type { Budgets } from './budgets';
import { RequestWindow } from './request-window';
import { withTimeout } from './with-timeout';

export interface Limits {
  keyRpm: number;
  orgRpm: number;
  keyMaxStreams: number;
  orgMaxStreams: number;
  /** Input + output tokens the key may use per UTC month; null: no budget. */
  tokenBudget: number | null;
}

export interface LimitRequest {
  requestId: string;
  apiKeyId: string;
  orgId: string;
  streamed: boolean;
  limits: Limits;
}

export type Refusal = 'key_budget' | 'key_rpm' | 'org_rpm' | 'key_streams' | 'org_streams';

export interface LimitDecision {
  allowed: boolean;
  refusedBy?: Refusal;
  /** The tighter of the key's and the organization's request limits, for x-ratelimit-* headers; absent when neither applies. */
  requests?: { limit: number; remaining: number; resetSeconds: number };
  /** When refused by the token budget: the budget, what was used and when it starts over (epoch ms). */
  budget?: { limit: number; used: number; resetsAt: number };
  /** Frees the concurrency slot of an admitted stream; safe to call more than once. */
  release: () => void;
}

const WINDOW_MS = 60_000;
/** How often counted requests go to Redis in one pipeline; also how late an instance hears of the others. */
const COUNT_FLUSH_MS = 100;
const LEASE_MS = 60_000;
const FAIL_OPEN_WARN_INTERVAL_MS = 10_000;

type LimitCommands = {
  ggufCount(...args: (string | number)[]): Promise<[number, number]>;
  ggufAcquire(...args: (string | number)[]): Promise<number>;
  ggufRenew(...args: (string | number)[]): Promise<number>;
};

const noop = () => undefined;

/**
 * Per-key and per-organization limits shared by every gateway instance through Redis.
 *
 * Requests per minute are decided from each subject's window in memory (see RequestWindow) and counted in
 * Redis in the background, in one pipeline every COUNT_FLUSH_MS, so an ordinary request waits for no round
 * trip and Redis sees one command per busy subject per batch rather than one per request. Concurrent streams take a lease in
 * Redis before they start: a stream lasts seconds, one round trip is nothing next to it, and the count must be
 * exact across instances. When Redis is down or slow the gateway fails open and says so in its log and
 * metrics: limits protect capacity, they are not what keeps tenants apart.
 */
export class RateLimiter {
  private readonly redis: Redis & LimitCommands;
  private readonly windows = new Map<string, RequestWindow>();
  /** Subjects with requests counted since the last batch. */
  private readonly unsent = new Set<string>();
  private readonly leases = new Map<string, string[]>();
  private readonly timer: NodeJS.Timeout;
  private readonly countTimer: NodeJS.Timeout;
  private lastWarnedAt = 0;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    /** Told how many requests were let through unchecked. */
    private readonly onFailOpen: (requests: number) => void = noop,
    /** Keys' monthly token budgets; without it budgets are not checked. */
    private readonly budgets?: Budgets,
    /** The time windows are read from; tests fix it so that no minute boundary falls inside them. */
    private readonly clock: () => number = Date.now,
  ) {
    redis.defineCommand('ggufCount', { numberOfKeys: 2, lua: COUNT_SCRIPT });
    redis.defineCommand('ggufAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('ggufRenew', { lua: RENEW_SCRIPT });
    this.redis = redis as Redis & LimitCommands;
    this.timer = setInterval(() => this.housekeeping(), LEASE_MS / 3);
    this.timer.unref();
    this.countTimer = setInterval(() => void this.sendCounts(), COUNT_FLUSH_MS);
    this.countTimer.unref();
  }

  async check(request: LimitRequest): Promise<LimitDecision> {
    const { limits } = request;
    const now = this.clock();
    if (limits.tokenBudget !== null && this.budgets) {
      const used = await this.budgets.used(request.apiKeyId, now);
      if (used >= limits.tokenBudget) {
        const budget = { limit: limits.tokenBudget, used, resetsAt: this.budgets.monthOf(now).next };
        return { allowed: false, refusedBy: 'key_budget', budget, release: noop };
      }
    }
    const keySubject = `key:${request.apiKeyId}`;
    const orgSubject = `org:${request.orgId}`;
    const keyWindow = limits.keyRpm > 0 ? this.window(keySubject) : undefined;
    const orgWindow = limits.orgRpm > 0 ? this.window(orgSubject) : undefined;
    const keyUsed = keyWindow?.used(now) ?? 0;
    const orgUsed = orgWindow?.used(now) ?? 0;
    const resetSeconds = Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));
    const requests = tightest(limits, keyUsed, orgUsed, resetSeconds);
    if (keyWindow && keyUsed >= limits.keyRpm) return { allowed: false, refusedBy: 'key_rpm', requests, release: noop };
    if (orgWindow && orgUsed >= limits.orgRpm) return { allowed: false, refusedBy: 'org_rpm', requests, release: noop };

    let release: () => void = noop;
    if (request.streamed && (limits.keyMaxStreams > 0 || limits.orgMaxStreams > 0)) {
      const slot = await this.acquireStream(request, now);
      if (slot.refusedBy) return { allowed: false, refusedBy: slot.refusedBy, requests, release: noop };
      release = slot.release;
    }
    if (keyWindow) this.count(keySubject, keyWindow, now);
    if (orgWindow) this.count(orgSubject, orgWindow, now);
    const admitted = requests && { ...requests, remaining: Math.max(0, requests.remaining - 1) };
    return { allowed: true, requests: admitted, release };
  }

  private window(subject: string): RequestWindow {
    let window = this.windows.get(subject);
    if (!window) {
      window = new RequestWindow();
      this.windows.set(subject, window);
    }
    return window;
  }

  /** Counts the request in memory now; the next batch takes it to Redis. */
  private count(subject: string, window: RequestWindow, now: number): void {
    window.count(now);
    this.unsent.add(subject);
  }

  /** One pipeline with every subject counted since the last batch; resolves once the replies updated their windows. */
  sendCounts(): Promise<void> {
    if (this.unsent.size === 0) return Promise.resolve();
    const now = this.clock();
    const batch: { subject: string; window: RequestWindow; minute: number; requests: number }[] = [];
    for (const subject of this.unsent) {
      const window = this.windows.get(subject);
      if (window) batch.push({ subject, window, ...window.take(now) });
    }
    this.unsent.clear();
    const unconfirmed = (reason: string) => {
      for (const { window, minute, requests } of batch) window.confirm(minute, requests, undefined, undefined);
      this.failOpen(reason, batch.reduce((sum, entry) => sum + entry.requests, 0));
    };
    if (this.redis.status !== 'ready') return Promise.resolve(unconfirmed('redis is not connected'));
    const pipeline = this.redis.pipeline() as unknown as LimitCommands & { exec(): Promise<[Error | null, unknown][] | null> };
    for (const { subject, minute, requests } of batch) pipeline.ggufCount(`${this.prefix}:rpm:${subject}:${minute}`, `${this.prefix}:rpm:${subject}:${minute - 1}`, requests);
    return pipeline.exec().then(
      (replies) => {
        batch.forEach(({ window, minute, requests }, index) => {
          const [error, counts] = replies?.[index] ?? [new Error('no reply'), undefined];
          if (error) window.confirm(minute, requests, undefined, undefined);
          else window.confirm(minute, requests, ...(counts as [number, number]));
        });
      },
      (error: unknown) => unconfirmed(error instanceof Error ? error.message : String(error)),
    );
  }

  private async acquireStream(request: LimitRequest, now: number): Promise<{ refusedBy?: Refusal; release: () => void }> {
    if (this.redis.status !== 'ready') {
      this.failOpen('redis is not connected');
      return { release: noop };
    }
    const keys = [`${this.prefix}:streams:key:${request.apiKeyId}`, `${this.prefix}:streams:org:${request.orgId}`];
    const { limits } = request;
    let refused: number;
    try {
      refused = await withTimeout(this.redis.ggufAcquire(keys[0]!, keys[1]!, limits.keyMaxStreams, limits.orgMaxStreams, now, now + LEASE_MS, request.requestId));
    } catch (error) {
      this.failOpen(error instanceof Error ? error.message : String(error));
      return { release: noop };
    }
    if (refused === 1) return { refusedBy: 'key_streams', release: noop };
    if (refused === 2) return { refusedBy: 'org_streams', release: noop };

    this.leases.set(request.requestId, keys);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.leases.delete(request.requestId);
      if (this.redis.status !== 'ready') return;
      this.redis
        .multi()
        .zrem(keys[0]!, request.requestId)
        .zrem(keys[1]!, request.requestId)
        .exec()
        .catch((error: unknown) => this.logger.warn({ err: String(error) }, 'could not release a stream slot; its lease will expire'));
    };
    return { release };
  }

  /** Renews the leases of running streams and forgets windows nobody used for two minutes. */
  private housekeeping(): void {
    const now = this.clock();
    for (const [subject, window] of this.windows) if (now - window.lastUsedAt > 2 * WINDOW_MS) this.windows.delete(subject);
    if (this.leases.size === 0 || this.redis.status !== 'ready') return;
    const pipeline = this.redis.pipeline() as unknown as LimitCommands & { exec(): Promise<unknown> };
    for (const [member, keys] of this.leases) pipeline.ggufRenew(keys.length, ...keys, now + LEASE_MS, ...keys.map(() => member));
    pipeline.exec().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'could not renew stream leases'));
  }

  private failOpen(reason: string, requests = 1): void {
    this.onFailOpen(requests);
    // Once per interval: during an outage every request would otherwise add a line.
    const now = this.clock();
    if (now - this.lastWarnedAt < FAIL_OPEN_WARN_INTERVAL_MS) return;
    this.lastWarnedAt = now;
    this.logger.warn({ reason }, 'rate limiter cannot reach redis; letting requests through');
  }

  /** Stops the timers and sends the last counts, giving Redis a moment at most. */
  close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.countTimer);
    return withTimeout(this.sendCounts()).catch(() => undefined);
  }
}

function tightest(limits: Limits, keyUsed: number, orgUsed: number, resetSeconds: number): LimitDecision['requests'] {
  const key = limits.keyRpm > 0 ? { limit: limits.keyRpm, remaining: Math.max(0, limits.keyRpm - keyUsed), resetSeconds } : undefined;
  const org = limits.orgRpm > 0 ? { limit: limits.orgRpm, remaining: Math.max(0, limits.orgRpm - orgUsed), resetSeconds } : undefined;
  if (!key || !org) return key ?? org;
  return org.remaining < key.remaining ? org : key;
}
