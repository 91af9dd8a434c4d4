import { ApiError } from '@gguf/api';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A DNS name, an IPv4 address or a bracketed IPv6 address, with an optional port. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/**
 * The origins a request to this server may legitimately come from: PUBLIC_WEB_URL, and the address
 * the request actually came to (its Host, with PUBLIC_WEB_URL's scheme), so the dashboard works at
 * whatever name or IP it is reached by. Behind a trusted proxy, also what the proxy says it was
 * reached at (X-Forwarded-Proto and -Host): the front door (client-address.ts) drops those headers
 * from anyone else, and Next then fills them in from the socket.
 */
function allowedOrigins(request: Request, publicWebUrl: string): Set<string> {
  const configured = new URL(publicWebUrl);
  const origins = new Set([configured.origin]);
  const add = (scheme: string | null | undefined, host: string | null | undefined) => {
    // Only a plain host[:port] names an origin; anything else in a Host header names none.
    if (!scheme || !host || !/^https?$/.test(scheme) || !HOST.test(host)) return;
    origins.add(new URL(`${scheme}://${host}`).origin);
  };
  const host = request.headers.get('host');
  add(configured.protocol.slice(0, -1), host);
  add(request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim(), request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ?? host);
  return origins;
}

/**
 * A session cookie rides along on any request a browser sends, including ones another site
 * triggers. Mutations authenticated by cookie must therefore come from our own origin: browsers
 * send Origin (and Sec-Fetch-Site) on every such request; a request with neither is not from a
 * browser page and has no business using a cookie. Another site's page cannot make a browser send
 * a Host or X-Forwarded-* of its choosing, so comparing with them lets no other site in.
 */
export function assertSameOrigin(request: Request, publicWebUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get('origin');
  if (origin) {
    if (allowedOrigins(request, publicWebUrl).has(origin)) return;
    throw crossSite();
  }
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin' || site === 'none') return;
  throw crossSite();
}

function crossSite(): ApiError {
  return new ApiError('permission_denied', 'Cross-site request refused: send session-authenticated changes from the dashboard, or use an API key.');
}
