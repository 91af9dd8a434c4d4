import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { isTrustedProxy, normalizeAddress, resolveClientAddress, stampClientAddress, trustedProxySet, UNVERIFIED_ADDRESS } from './client-address';

const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'];
/** How long a refused upload's connection stays half-open after the answer, for the client to read it. */
const LINGER_MS = 1000;

const holder = globalThis as typeof globalThis & { __ggufFrontDoorInstalled?: boolean };

/**
 * What the web server does with each request as it arrives, before Next reads it, through Node's
 * `http.server.request.start` diagnostics channel (installed once, from instrumentation.ts):
 *
 * - stamps the client's address (client-address.ts): the socket's, or, when the socket is one of
 *   TRUSTED_PROXIES, the nearest X-Forwarded-For hop that is not itself a trusted proxy;
 * - drops X-Forwarded-* and Forwarded from anyone but a trusted proxy, so Next fills them in from
 *   the socket and every later reader (the same-origin check, Next itself) sees the truth;
 * - closes a refused upload gently (lingerBeforeClosing).
 */
export function installFrontDoor(trustedProxies: readonly string[]): void {
  if (holder.__ggufFrontDoorInstalled) return;
  holder.__ggufFrontDoorInstalled = true;
  const trusted = trustedProxySet(trustedProxies);
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    const peer = socket.remoteAddress ?? UNVERIFIED_ADDRESS;
    const forwardedFor = request.headers['x-forwarded-for'];
    stampClientAddress(request.headers, resolveClientAddress(peer, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor, trusted));
    if (!isTrustedProxy(normalizeAddress(peer), trusted)) for (const name of FORWARDED_HEADERS) delete request.headers[name];
    lingerBeforeClosing(request, socket);
  });
}

/** The parts of Node's socket internals a lingering close needs (Node's own HTTP server uses the same). */
interface SocketInternals {
  _handle?: { readStop?: () => number } | null;
  _paused?: boolean;
}

/**
 * An answer sent with Connection: close before the request's body was read (lib/api/close-unread-
 * body.ts) makes Node close the socket at once, with the client's unread bytes still queued: the
 * kernel then resets the connection, which can destroy the answer before the client reads it, so an
 * upload refused with 401 would see only "connection reset". As Go's and nginx's servers do, close
 * in two steps instead: stop reading, send the answer and a FIN, and close the socket LINGER_MS
 * later. Nothing more of the body is read either way. A body that was read whole closes as usual.
 */
function lingerBeforeClosing(request: IncomingMessage, socket: Socket): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    const internals = this as unknown as SocketInternals;
    if (request.complete || typeof internals._handle?.readStop !== 'function') return Socket.prototype.destroySoon.call(this);
    // Paused the way Node's HTTP server pauses a socket, so the dumped request cannot start reading it again.
    internals._paused = true;
    internals._handle.readStop();
    this.end();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}
