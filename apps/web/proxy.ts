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
 */
export function proxy(request: NextRequest): Response | undefined {
  if (!CHECKED.has(request.method)) return undefined;
  const allowed = methodsAt(request.nextUrl.pathname);
  if (!allowed || allowed.includes(request.method as (typeof allowed)[number])) return undefined;
  const requestId = newId('request');
  const error = new ApiError('method_not_allowed', `${request.nextUrl.pathname} answers ${allowed.join(', ')}, not ${request.method}.`);
  return jsonResponse(toErrorBody(error, requestId), error.status, requestId, { allow: allowed.join(', ') });
}

export const config = { matcher: '/api/v1/:path*' };
