/**
 * One subject's (an API key's or an organization's) requests-per-minute window as this gateway instance knows
 * it: the counts Redis last reported (which include the other instances) plus the requests this instance
 * counted and Redis has not confirmed yet. Deciding from it needs no round trip; the counts go to Redis in
 * batches (see RateLimiter) and each reply brings the others' counts in. Together the instances may overshoot
 * a limit by what each admits between two batches: the price of keeping Redis off the request path.
 */
export class RequestWindow {
  private minute = 0;
  private confirmed = 0;
  /** Counted here, not yet sent to Redis. */
  private unsent = 0;
  /** Sent to Redis, reply pending. */
  private sent = 0;
  private previous = 0;
  /** Last time a request used this window; idle windows are dropped. */
  lastUsedAt = 0;

  /** Requests counted in the sliding minute ending now: this minute plus the part of the last one still inside. */
  used(now: number): number {
    this.roll(now);
    const weight = 1 - (now % 60_000) / 60_000;
    return this.confirmed + this.unsent + this.sent + Math.ceil(this.previous * weight);
  }

  /** Counts a request locally. */
  count(now: number): void {
    this.roll(now);
    this.unsent++;
    this.lastUsedAt = now;
  }

  /** Hands the requests counted since the last batch to Redis; `confirm` gets the same minute and number back. */
  take(now: number): { minute: number; requests: number } {
    this.roll(now);
    const requests = this.unsent;
    this.sent += requests;
    this.unsent = 0;
    return { minute: this.minute, requests };
  }

  /** Redis's counts after a batch (or undefined when Redis could not be asked). */
  confirm(minute: number, requests: number, current: number | undefined, previous: number | undefined): void {
    if (minute !== this.minute) return;
    this.sent = Math.max(0, this.sent - requests);
    if (current !== undefined) this.confirmed = Math.max(this.confirmed, current);
    else this.confirmed += requests;
    if (previous !== undefined) this.previous = Math.max(this.previous, previous);
  }

  private roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.minute) return;
    this.previous = minute === this.minute + 1 ? this.confirmed + this.unsent + this.sent : 0;
    this.confirmed = 0;
    this.unsent = 0;
    this.sent = 0;
    this.minute = minute;
  }
}
