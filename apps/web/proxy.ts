import { ApiError, toErrorBody } from '@gguf/api/errors';
import { methodsAt } from '@gguf/api/routes';
import { newId } from '@gguf/core';
import type { NextRequest } from 'next/server';
import { jsonResponse } from './lib/api/json-response';

// Methods Next answers itself (HEAD from GET, OPTIONS with Allow); everything else is checked here.
const CHECKED = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A documented API path called with a method it does not answer gets the API's JSON error and an Allow
 * header, instead of Next's empty 405. Paths no endpoint lives at go on to the API's JSON 404.
 * (A request with a body and a wrong method gets Next's own empty 405 from the route instead.)
 */
export function proxy(request: NextRequest): Response | undefined {
  if (!CHECKED.has(request.method)) return undefined;
  const allowed = methodsAt(request.nextUrl.pathname);
  if (!allowed || allowed.includes(request.method as (typeof allowed)[number])) return undefined;
  const requestId = newId('request');
  const error = new ApiError('method_not_allowed', `${request.nextUrl.pathname} answers ${allowed.join(', ')}, not ${request.method}.`);
  return jsonResponse(toErrorBody(error, requestId), error.status, requestId, { allow: allowed.join(', ') });
}

/**
 * Only requests without a body reach the proxy. For any request it runs on, Next copies the body
 * into memory first (up to proxyClientMaxBodySize, 10 MB, cutting off the rest) and reads it to the
 * end before the route answers: a 50 MB upload without credentials would be read whole before its
 * 401. Requests with a body go straight to their route, which authenticates and checks
 * Content-Length before it reads a byte (lib/api/handler.ts) and closes the connection on a refusal.
 * A request with neither Content-Length nor Transfer-Encoding has no body (HTTP/1.1).
 */
export const config = {
  // Literal values only: Next reads this object at build time without running the module.
  matcher: [
    { source: '/api/v1/:path*', missing: [{ type: 'header', key: 'content-length' }, { type: 'header', key: 'transfer-encoding' }] },
    { source: '/api/v1/:path*', has: [{ type: 'header', key: 'content-length', value: '0' }], missing: [{ type: 'header', key: 'transfer-encoding' }] },
  ],
};
