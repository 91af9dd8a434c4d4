import { ApiError, toErrorBody } from '@gguf/api';
import { newId } from '@gguf/core';
import { closeUnreadBody } from '../../../../lib/api/close-unread-body';
import { jsonResponse } from '../../../../lib/api/json-response';

/** Unknown /api/v1 paths answer in the API's error shape instead of the dashboard's HTML 404 page. */
async function notFound(request: Request): Promise<Response> {
  const requestId = newId('request');
  const error = new ApiError('not_found', `No endpoint ${request.method} ${new URL(request.url).pathname}; see /api/v1/openapi.json.`);
  return closeUnreadBody(request, jsonResponse(toErrorBody(error, requestId), error.status, requestId));
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
