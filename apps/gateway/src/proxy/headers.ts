import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and framing a proxy recomputes. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host', 'content-length']);

/** The caller's credentials never reach llama-server; it gets the deployment's own secret instead. */
const CALLER_SECRETS = new Set(['authorization', 'x-api-key', 'key', 'cookie']);

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Header names a `Connection` header lists: hop-by-hop for this one connection (RFC 9110 §7.6.1), never
 * forwarded. The usual values name none, so they cost no parsing.
 */
export function connectionNamed(connection: string | string[] | undefined): ReadonlySet<string> {
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return NO_NAMES;
  const names = new Set<string>();
  for (const value of Array.isArray(connection) ? connection : [connection]) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return names;
}

/** Headers for the upstream request: the caller's, minus hop-by-hop and credentials, plus the upstream secret. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, upstreamSecret: string, requestId: string, contentLength: number | undefined): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const named = connectionNamed(incoming.connection);
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || CALLER_SECRETS.has(name) || named.has(name)) continue;
    headers[name] = value;
  }
  headers.authorization = `Bearer ${upstreamSecret}`;
  headers['x-request-id'] = requestId;
  if (contentLength !== undefined) headers['content-length'] = String(contentLength);
  return headers;
}

/** Upstream response headers that may go to the caller. */
export function responseHeaders(upstream: Record<string, string | string[] | undefined>, keepLength: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const named = connectionNamed(upstream.connection);
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || (HOP_BY_HOP.has(name) && !(keepLength && name === 'content-length')) || named.has(name) || name === 'x-request-id' || name === 'set-cookie') continue;
    headers[name] = value;
  }
  return headers;
}
