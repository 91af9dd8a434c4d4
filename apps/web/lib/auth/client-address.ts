import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Who is knocking: the client's address for throttling, taken from the socket. Next passes a
 * client's own X-Forwarded-For through (it only fills the header in when it is missing) and gives
 * route handlers no socket, so the web server stamps each request as it arrives, through Node's
 * `http.server.request.start` diagnostics channel, before Next reads it:
 *
 * - `x-gguf-client-address` gets the socket's address, or, when the socket is one of
 *   TRUSTED_PROXIES, the right-most X-Forwarded-For entry that is not itself a trusted proxy;
 * - a request from anyone else loses its X-Forwarded-* and Forwarded headers, so Next fills them
 *   in from the socket and every later reader (the same-origin check, Next itself) sees the truth.
 *
 * The stamp carries a random per-process nonce, so a client cannot send one of its own; a request
 * that was not stamped (one that arrived while the server was still starting) counts as "unverified".
 */
export const CLIENT_ADDRESS_HEADER = 'x-gguf-client-address';
const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'];
export const UNVERIFIED_ADDRESS = 'unverified';

// Shared through globalThis: Next bundles instrumentation and route handlers as separate module instances.
const holder = globalThis as typeof globalThis & { __ggufFrontDoor?: { nonce: string; installed: boolean } };

function frontDoor() {
  holder.__ggufFrontDoor ??= { nonce: randomBytes(16).toString('hex'), installed: false };
  return holder.__ggufFrontDoor;
}

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) is 10.0.0.1. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

/** TRUSTED_PROXIES (addresses and CIDR blocks, as the web env validated them) as a set to test against. */
export function trustedProxySet(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(normalize(address), type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The client behind `peer`: the peer itself unless it is a trusted proxy, then the nearest untrusted X-Forwarded-For hop. */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trusted: BlockList): string {
  let client = normalize(peer);
  if (!isTrusted(client, trusted) || !forwardedFor) return client;
  const hops = forwardedFor.split(',').map((hop) => normalize(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) break;
    client = hop;
    if (!isTrusted(hop, trusted)) break;
  }
  return client;
}

/** Writes the stamp; also how tests present a request as coming from an address. */
export function stampClientAddress(headers: Record<string, string | string[] | undefined>, address: string): void {
  headers[CLIENT_ADDRESS_HEADER] = `${frontDoor().nonce} ${address}`;
}

/** Stamps every request this process's HTTP server receives from now on; once per process. */
export function installFrontDoor(trustedProxies: readonly string[]): void {
  const door = frontDoor();
  if (door.installed) return;
  door.installed = true;
  const trusted = trustedProxySet(trustedProxies);
  subscribe('http.server.request.start', (message) => {
    const request = (message as { request: IncomingMessage }).request;
    const peer = request.socket.remoteAddress ?? UNVERIFIED_ADDRESS;
    const forwardedFor = request.headers['x-forwarded-for'];
    const viaTrustedProxy = isTrusted(normalize(peer), trusted);
    stampClientAddress(request.headers, resolveClientAddress(peer, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor, trusted));
    if (!viaTrustedProxy) for (const name of FORWARDED_HEADERS) delete request.headers[name];
  });
}

/** The client address the front door stamped on this request, or "unverified". */
export function clientAddress(headers: { get(name: string): string | null }): string {
  const stamp = headers.get(CLIENT_ADDRESS_HEADER);
  const space = stamp?.indexOf(' ') ?? -1;
  if (!stamp || space < 0 || stamp.slice(0, space) !== frontDoor().nonce) return UNVERIFIED_ADDRESS;
  return stamp.slice(space + 1);
}
