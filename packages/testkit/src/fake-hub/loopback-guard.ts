import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, Socket } from 'node:net';

/** One outgoing TCP connection a test process tried to open. */
export interface ConnectAttempt {
  host: string;
  port: number;
  /** Addresses the name resolved to, once resolution ran. */
  addresses: string[];
  refused: boolean;
}

export interface LoopbackGuard {
  readonly attempts: readonly ConnectAttempt[];
  restore(): void;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFunction = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => void;

/**
 * The network rule as a safety net for tests that prove a refusal: patches net.Socket#connect (which
 * http, https and tls all go through) so every TCP connection is recorded, and one that would reach a
 * non-loopback address fails before a packet is sent, even if the code under test is broken.
 */
export function guardLoopbackOnly(): LoopbackGuard {
  const original = Socket.prototype.connect;
  const attempts: ConnectAttempt[] = [];
  const refuse = (socket: Socket, attempt: ConnectAttempt) => {
    attempt.refused = true;
    process.nextTick(() => socket.destroy(new Error(`loopback guard: refused a connection to ${attempt.host} (${attempt.addresses.join(', ')})`)));
    return socket;
  };

  Socket.prototype.connect = function guardedConnect(this: Socket, ...given: unknown[]) {
    // net.connect passes its already-normalized [options, callback] as one array argument.
    const args = Array.isArray(given[0]) ? (given[0] as unknown[]) : given;
    const first = args[0];
    const options: { path?: string | null; host?: string; port?: number; lookup?: LookupFunction } =
      typeof first === 'object' && first !== null
        ? { ...first }
        : typeof first === 'string' && !/^\d+$/.test(first)
          ? { path: first }
          : { port: Number(first), host: typeof args[1] === 'string' ? args[1] : 'localhost' };
    const callback = args.find((arg) => typeof arg === 'function');
    const connect = () => original.call(this, options as never, callback as never);
    // Unix sockets never leave the machine (net treats any non-empty path as one; http passes path: null).
    if (options.path) return connect();
    const host = options.host ?? 'localhost';
    const attempt: ConnectAttempt = { host, port: Number(options.port), addresses: isIP(host) ? [host] : [], refused: false };
    attempts.push(attempt);
    if (isIP(host)) return isLoopback(host) ? connect() : refuse(this, attempt);
    const lookup = options.lookup ?? (dnsLookup as unknown as LookupFunction);
    options.lookup = (hostname, lookupOptions, callback) =>
      lookup(hostname, lookupOptions, (error, address, family) => {
        if (error) return callback(error, address, family);
        const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
        attempt.addresses.push(...addresses);
        if (!addresses.every(isLoopback)) {
          attempt.refused = true;
          return callback(Object.assign(new Error('loopback guard: refused a non-loopback address'), { code: 'EGUARD' }), address, family);
        }
        callback(null, address, family);
      });
    return connect();
  } as typeof original;

  return {
    attempts,
    restore: () => {
      Socket.prototype.connect = original;
    },
  };
}
