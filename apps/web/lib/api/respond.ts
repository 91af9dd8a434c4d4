import { ApiError, fromDatabaseError, fromZodError, sqlStateOf, toErrorBody } from '@gguf/api';
import { describeError, type Logger } from '@gguf/core';
import { z } from 'zod';
import { jsonResponse } from './json-response';

/**
 * The one place an error becomes a response. Anything that is not an ApiError is our fault: it is
 * logged with its details and the client gets a generic 500 with the request id, never a stack.
 */
export function errorResponse(error: unknown, requestId: string, logger: Logger): Response {
  const apiError = toApiError(error, requestId, logger);
  if (apiError) {
    const headers: Record<string, string> = apiError.retryAfterSeconds ? { 'retry-after': String(apiError.retryAfterSeconds) } : {};
    return jsonResponse(toErrorBody(apiError, requestId), apiError.status, requestId, headers);
  }
  logger.error({ requestId, err: describeError(error), stack: error instanceof Error ? error.stack : undefined }, 'unhandled error in an API route');
  const internal = new ApiError('internal_error', `Something went wrong on our side. If it keeps happening, report request id ${requestId}.`);
  return jsonResponse(toErrorBody(internal, requestId), internal.status, requestId);
}

function toApiError(error: unknown, requestId: string, logger: Logger): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return fromZodError(error);
  const fromDatabase = fromDatabaseError(error);
  if (fromDatabase?.code === 'invalid_request') {
    // The caller's mistake, but one that validation should have refused before the database saw it.
    logger.warn({ requestId, err: describeError(error), sqlState: sqlStateOf(error) }, 'the database refused a value from a request');
  }
  return fromDatabase;
}
