import { randomBytes } from 'node:crypto';

/** Random ids in the formats clients expect: chatcmpl-…, call_…, msg_…, toolu_…. */
export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
