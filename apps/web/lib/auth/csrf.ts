import { ApiError } from '@gguf/api';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A session cookie rides along on any request a browser sends, including ones another site
 * triggers. Mutations authenticated by cookie must therefore come from our own origin: browsers
 * send Origin (and Sec-Fetch-Site) on every such request; a request with neither is not from a
 * browser page and has no business using a cookie.
 */
export function assertSameOrigin(request: Request, publicWebUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get('origin');
  if (origin) {
    if (origin === new URL(publicWebUrl).origin || origin === new URL(request.url).origin) return;
    throw crossSite();
  }
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin' || site === 'none') return;
  throw crossSite();
}

function crossSite(): ApiError {
  return new ApiError('permission_denied', 'Cross-site request refused: send session-authenticated changes from the dashboard, or use an API key.');
}
