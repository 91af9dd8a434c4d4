import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * Who is knocking: the client's address for throttling, taken from the socket by the front door
 * (front-door.ts), which stamps it on each request as `x-gguf-client-address`. Next passes a
 * client's own X-Forwarded-For through and gives route handlers no socket, hence the stamp.
 *
 * The stamp carries a random per-process nonce, so a client cannot send one of its own; a request
 * that was not stamped (one that arrived while the server was still starting) counts as "unverified".
 */
export const CLIENT_ADDRESS_HEADER = 'x-gguf-client-address';
export const UNVERIFIED_ADDRESS = 'unverified';

// Shared through globalThis: Next bundles instrumentation and route handlers as separate module instances.
const holder = globalThis as typeof globalThis & { __ggufClientAddressNonce?: string };

function nonce(): string {
  holder.__ggufClientAddressNonce ??= randomBytes(16).toString('hex');
  return holder.__ggufClientAddressNonce;
}

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) is 10.0.0.1. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

/** TRUSTED_PROXIES (addresses and CIDR blocks, as the web env validated them) as a set to test against. */
export function trustedProxySet(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(normalizeAddress(address), type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

export function isTrustedProxy(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The client behind `peer`: the peer itself unless it is a trusted proxy, then the nearest untrusted X-Forwarded-For hop. */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trusted: BlockList): string {
  let client = normalizeAddress(peer);
  if (!isTrustedProxy(client, trusted) || !forwardedFor) return client;
  const hops = forwardedFor.split(',').map((hop) => normalizeAddress(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrustedProxy(hop, trusted)) break;
  }
  return client;
}

/** Writes the stamp; also how tests present a request as coming from an address. */
export function stampClientAddress(headers: Record<string, string | string[] | undefined>, address: string): void {
  headers[CLIENT_ADDRESS_HEADER] = `${nonce()} ${address}`;
}

/** The client address the front door stamped on this request, or "unverified". */
export function clientAddress(headers: { get(name: string): string | null }): string {
  const stamp = headers.get(CLIENT_ADDRESS_HEADER);
  const space = stamp?.indexOf(' ') ?? -1;
  if (!stamp || space < 0 || stamp.slice(0, space) !== nonce()) return UNVERIFIED_ADDRESS;
  return stamp.slice(space + 1);
}
