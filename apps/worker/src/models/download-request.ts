import { promises as dns } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { addressAllowed, type AllowedHosts, checkRedirectUrl, hostAllowed, isPublicAddress } from '@gguf/core';
import { networkError, refusedUrl, tooManyRedirects } from './download-error';

/** Resolves a host name to its addresses (tests inject one that maps test names to loopback). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export const MAX_REDIRECTS = 5;

export interface GuardedRequestOptions {
  allow: AllowedHosts;
  resolve: Resolver;
  /** Credentials (e.g. a Hugging Face token): sent to the first URL's origin only, never to a redirect elsewhere. */
  credentials: Record<string, string>;
  /** Sent on every hop (Range, If-Range). */
  headers: Record<string, string>;
  /** An extra trusted CA, added to the system's. */
  ca?: string;
  signal?: AbortSignal;
  /** Until the response's headers arrive. */
  connectTimeoutMs: number;
  /** Longest silence on the socket, headers or body. */
  idleTimeoutMs: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

/**
 * The address to connect to for `url`, after the download-time half of the SSRF guard: a name is
 * resolved and refused if any of its addresses is not public (unless the operator allowed the name or
 * the addresses), so it cannot point inward. The caller connects to this very address.
 */
export async function checkedAddress(url: URL, allow: AllowedHosts, resolve: Resolver): Promise<string> {
  const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : /^[\d.]+$/.test(url.hostname) ? url.hostname : null;
  const permitted = (address: string) => isPublicAddress(address) || addressAllowed(allow, address);
  if (literal !== null) {
    if (!permitted(literal)) throw refusedUrl(`address ${literal} is not public`);
    return literal;
  }
  let addresses: string[];
  try {
    addresses = await resolve(url.hostname);
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    // Said like a refusal: a tenant must not learn which internal names exist.
    if (DNS_NOT_FOUND.has(code)) throw refusedUrl(`${url.hostname} does not resolve (${code})`);
    throw networkError(error);
  }
  if (addresses.length === 0) throw refusedUrl(`${url.hostname} resolved to no address`);
  const refused = addresses.filter((address) => !permitted(address));
  if (refused.length > 0 && !hostAllowed(allow, url.hostname)) throw refusedUrl(`${url.hostname} resolves to non-public ${refused.join(', ')}`);
  return addresses[0]!;
}

/** A GET to `url` over a connection to `address` only; TLS still verifies the certificate against the URL's name. */
function requestPinned(url: URL, address: string, headers: Record<string, string>, options: GuardedRequestOptions): Promise<IncomingMessage> {
  const family = address.includes(':') ? 6 : 4;
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const isName = !url.hostname.startsWith('[') && !/^[\d.]+$/.test(url.hostname);
  return new Promise((resolve, reject) => {
    const req = request({
      host: isName ? url.hostname : address,
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { ...headers, host: url.host, 'accept-encoding': 'identity', 'user-agent': 'gguf-cloud-worker' },
      lookup: pinned,
      ...(isName && { servername: url.hostname }),
      ...(options.ca && { ca: [...rootCertificates, options.ca] }),
      // A fresh connection per request: a pooled one could belong to another pinned address.
      agent: false,
      signal: options.signal,
    });
    const timeout = (what: string) => () => req.destroy(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' }));
    const headersTimer = setTimeout(timeout('waiting for the response'), options.connectTimeoutMs);
    req.setTimeout(options.idleTimeoutMs, timeout('idle connection'));
    req.on('response', (response) => {
      clearTimeout(headersTimer);
      resolve(response);
    });
    req.on('error', (error) => {
      clearTimeout(headersTimer);
      reject(networkError(error));
    });
    req.end();
  });
}

/**
 * GETs `start`, following up to MAX_REDIRECTS redirects by hand: every hop passes the same guard (https
 * only, no user info, a host and addresses that may be fetched from), and credentials go to the first
 * URL's origin only, as curl does. Resolves with the first answer that is not a redirect.
 */
export async function getFollowingRedirects(start: URL, options: GuardedRequestOptions): Promise<IncomingMessage> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const address = await checkedAddress(url, options.allow, options.resolve);
    const headers = url.origin === start.origin ? { ...options.headers, ...options.credentials } : options.headers;
    const response = await requestPinned(url, address, headers, options);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location) return response;
    response.destroy();
    if (redirects === MAX_REDIRECTS) throw tooManyRedirects(MAX_REDIRECTS);
    const next = checkRedirectUrl(location, url, options.allow);
    if (!next.ok) throw refusedUrl(`redirect: ${next.detail}`);
    url = next.url;
  }
}
