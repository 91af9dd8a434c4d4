/**
 * One subject's (an API key's or an organization's) requests-per-minute window as this gateway instance knows
 * it: the counts Redis last reported (which include the other instances) plus the requests this instance
 * counted and has not heard back about yet. Deciding from it needs no round trip; the count is sent to Redis
 * in the background and the reply brings the others' counts in. An instance hears of the others with its own
 * next request, so together they may overshoot a limit by about one request each (plus those in flight): the
 * price of keeping Redis off the request path.
 */
export class RequestWindow {
  private minute = 0;
  private confirmed = 0;
  private unconfirmed = 0;
  private previous = 0;
  /** Last time a request used this window; idle windows are dropped. */
  lastUsedAt = 0;

  /** Requests counted in the sliding minute ending now: this minute plus the part of the last one still inside. */
  used(now: number): number {
    this.roll(now);
    const weight = 1 - (now % 60_000) / 60_000;
    return this.confirmed + this.unconfirmed + Math.ceil(this.previous * weight);
  }

  /** Counts a request locally; returns the minute it was counted in, for `confirm`. */
  count(now: number): number {
    this.roll(now);
    this.unconfirmed++;
    this.lastUsedAt = now;
    return this.minute;
  }

  /** Redis's counts after one of our requests (or undefined when Redis could not be asked). */
  confirm(minute: number, current: number | undefined, previous: number | undefined): void {
    if (minute !== this.minute) return;
    this.unconfirmed = Math.max(0, this.unconfirmed - 1);
    if (current !== undefined) this.confirmed = Math.max(this.confirmed, current);
    if (previous !== undefined) this.previous = Math.max(this.previous, previous);
  }

  private roll(now: number): void {
    const minute = Math.floor(now / 60_000);
    if (minute === this.minute) return;
    this.previous = minute === this.minute + 1 ? this.confirmed + this.unconfirmed : 0;
    this.confirmed = 0;
    this.unconfirmed = 0;
    this.minute = minute;
  }
}
