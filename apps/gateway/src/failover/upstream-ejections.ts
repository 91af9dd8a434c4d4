/** One ejected upstream: skipped until `until`, unless its server became ready again since. */
interface Ejection {
  until: number;
  /** The server's ready time (epoch ms) when it failed; a different one means readiness brought it back. */
  readyAt: number;
}

/**
 * Upstream origins that just failed before answering (outlier ejection): new requests and retries skip them for
 * a few seconds rather than dial a server that is down. An ejection ends early once the server's record shows a
 * new ready time: the worker's readiness probe saw it answer again (a restart on the same port). Per origin, so
 * one failed server among a deployment's several is skipped while the others take its requests (see balancing/).
 */
export class UpstreamEjections {
  private readonly ejected = new Map<string, Ejection>();

  constructor(private readonly ejectMs: number) {}

  /** Skips `origin` for a while; false when it was skipped already (another request saw the same failure). */
  eject(origin: string, readyAt: number, now = Date.now()): boolean {
    const fresh = !this.isEjected(origin, readyAt, now);
    // Origins that moved away are never looked up again: expired entries go whenever a new one comes.
    for (const [other, ejection] of this.ejected) if (ejection.until <= now) this.ejected.delete(other);
    this.ejected.set(origin, { until: now + this.ejectMs, readyAt });
    return fresh;
  }

  /** Whether `origin`, ready since `readyAt` by its server's record, is to be skipped now. */
  isEjected(origin: string, readyAt: number, now = Date.now()): boolean {
    const ejection = this.ejected.get(origin);
    if (ejection === undefined) return false;
    if (ejection.until > now && ejection.readyAt === readyAt) return true;
    this.ejected.delete(origin);
    return false;
  }
}
