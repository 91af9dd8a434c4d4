import { randomBytes } from 'node:crypto';
import type { Logger } from '@gguf/core';
import { type ActivitySample, INFLIGHT_TTL_MS, type Redis, type ServerActivitySample, writeActivity } from '@gguf/redis';
import { type ServerLoads, ServerLoadsPublisher } from './server-loads-publisher';

export interface ActivityOptions {
  /** How often counts go to Redis. */
  flushMs: number;
  /** This gateway process's name in the in-flight hashes; random by default, so a restarted process never inherits a dead one's counts. */
  instanceId?: string;
  /** The requests in flight per server (the balancer's), published beside the deployments' for the API's replica list. */
  servers?: ServerLoads;
}

interface Entry {
  inflight: number;
  /** Arrival (epoch ms) of the last request not yet written. */
  lastRequestAt?: number;
  changed: boolean;
  /** When this entry was last written: a count that stays the same is written again before its Redis entry expires. */
  writtenAt: number;
}

/** An unchanged count is written again after this long, well inside the entry's lifetime in Redis. */
const REFRESH_MS = INFLIGHT_TTL_MS / 3;
/** A write unanswered for this many flush intervals counts as an outage (ioredis holds commands while Redis is down). */
const STALLED_FLUSHES = 5;
/** Longest wait for the last write at shutdown. */
const FINAL_FLUSH_TIMEOUT_MS = 1_000;

/**
 * Counts this gateway's requests in flight per deployment (from admission, held requests included, to the end of
 * the response) and the last request's time, and tells the workers through Redis (see @gguf/redis activity.ts):
 * once a second, one pipeline holding only what changed, the balancer's counts per server included. The request path touches memory only; a write that fails
 * or hangs (Redis down) is logged once per outage and retried with the next flush, never waited for by a request.
 */
export class ActivityTracker {
  readonly instanceId: string;
  private readonly entries = new Map<string, Entry>();
  private readonly servers: ServerLoadsPublisher | undefined;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> | undefined;
  private writingSince = 0;
  private failing = false;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly options: ActivityOptions,
  ) {
    this.instanceId = options.instanceId ?? `gw-${randomBytes(8).toString('hex')}`;
    this.servers = options.servers && new ServerLoadsPublisher(options.servers, REFRESH_MS);
    this.timer = setInterval(() => void this.flush(), options.flushMs);
    this.timer.unref();
  }

  /** A request to `deploymentId` was admitted; the returned function ends it (safe to call more than once). */
  begin(deploymentId: string): () => void {
    let entry = this.entries.get(deploymentId);
    if (!entry) this.entries.set(deploymentId, (entry = { inflight: 0, changed: true, writtenAt: 0 }));
    entry.inflight++;
    entry.lastRequestAt = Date.now();
    entry.changed = true;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      // The entry stays until its count is written: it is only forgotten once a 0 went out.
      const current = this.entries.get(deploymentId) as Entry;
      current.inflight--;
      current.changed = true;
    };
  }

  /** Requests of this instance in flight for a deployment (held ones included). */
  inflight(deploymentId: string): number {
    return this.entries.get(deploymentId)?.inflight ?? 0;
  }

  /** Writes what changed (and unchanged counts about to expire); at most one write at a time. */
  flush(): Promise<void> {
    const now = Date.now();
    if (this.writing) {
      if (now - this.writingSince > STALLED_FLUSHES * this.options.flushMs) this.outage(new Error('redis has not answered the last write'));
      return this.writing;
    }
    const samples: ActivitySample[] = [];
    const sent = new Map<string, Entry>();
    for (const [deploymentId, entry] of this.entries) {
      if (!entry.changed && (entry.inflight === 0 || now - entry.writtenAt < REFRESH_MS)) continue;
      samples.push({ deploymentId, inflight: entry.inflight, lastRequestAt: entry.lastRequestAt });
      sent.set(deploymentId, { ...entry });
      entry.changed = false;
      entry.lastRequestAt = undefined;
    }
    const servers = this.servers?.changes(now) ?? [];
    if (samples.length === 0 && servers.length === 0) return Promise.resolve();
    this.writingSince = now;
    this.writing = writeActivity(this.redis, this.instanceId, samples, servers, now).then(
      () => this.written(sent, servers, now),
      (error: unknown) => this.unwritten(sent, error),
    );
    return this.writing.finally(() => (this.writing = undefined));
  }

  private written(sent: Map<string, Entry>, servers: readonly ServerActivitySample[], at: number): void {
    if (this.failing) this.logger.info('activity is written to redis again');
    this.failing = false;
    this.servers?.written(servers, at);
    for (const [deploymentId, copy] of sent) {
      const entry = this.entries.get(deploymentId);
      if (!entry) continue;
      entry.writtenAt = at;
      // A deployment idle when its 0 went out is forgotten; one busy again since stays for the next flush.
      if (copy.inflight === 0 && entry.inflight === 0 && !entry.changed) this.entries.delete(deploymentId);
    }
  }

  private outage(error: unknown): void {
    if (!this.failing) this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not write activity to redis; retrying every flush');
    this.failing = true;
  }

  private unwritten(sent: Map<string, Entry>, error: unknown): void {
    this.outage(error);
    // The next flush sends these again, with the newest counts and the latest arrival.
    for (const [deploymentId, copy] of sent) {
      const entry = this.entries.get(deploymentId);
      if (!entry) continue;
      entry.changed = true;
      entry.lastRequestAt ??= copy.lastRequestAt;
    }
  }

  /** Stops flushing; the last counts are written if Redis answers soon (best effort: a dead instance's entries expire anyway). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FINAL_FLUSH_TIMEOUT_MS)));
    const last = (async () => {
      await this.writing;
      await this.flush();
    })();
    await Promise.race([last, timeout]).finally(() => clearTimeout(timer));
  }
}
