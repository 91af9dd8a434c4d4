import { type Tokens, readUsage, usageInJson } from './usage';

/** Bytes kept from each end of a very large body: the top-level usage sits near one end of it. */
const EDGE_BYTES = 64 * 1024;
const WHOLE_BODY_BYTES = 1024 * 1024;

/**
 * Watches a JSON response go by (it is forwarded untouched, chunk by chunk) and reads its usage at the end.
 * Bodies up to 1 MiB are kept whole (the chunks are already in memory); beyond that only both ends are kept.
 */
export class JsonUsageTap {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;

  push(chunk: Buffer): void {
    if (this.headBytes < WHOLE_BODY_BYTES && this.tail.length === 0) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      return;
    }
    if (this.tail.length === 0) this.trimHead();
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= EDGE_BYTES) this.tailBytes -= this.tail.shift()!.length;
  }

  private trimHead(): void {
    const whole = Buffer.concat(this.head);
    this.head = [whole.subarray(0, EDGE_BYTES)];
    this.tail = [whole.subarray(EDGE_BYTES)];
    this.tailBytes = whole.length - EDGE_BYTES;
  }

  tokens(): Tokens | undefined {
    const found: Tokens = { input: 0, output: 0 };
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (tail !== '' && readUsage(usageInJson(tail), found)) return found;
    return readUsage(usageInJson(Buffer.concat(this.head).toString('utf8')), found) ? found : undefined;
  }
}
