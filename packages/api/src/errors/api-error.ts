import { z } from 'zod';

/**
 * The one error type of the control plane. Domain functions throw it; the HTTP layer turns it into
 * `{ "error": { "type", "message", "param"?, "request_id" } }` with the status below. Codes are
 * mapped to statuses here and nowhere else.
 */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  authentication_error: 401,
  permission_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly param?: string,
    /** For rate_limited: when a retry may succeed, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  /** The same answer for a missing object and another organization's, so ids leak nothing. */
  static notFound(kind: string, id: string, param?: string): ApiError {
    return new ApiError('not_found', `No ${kind} with id '${id}'.`, param);
  }
}

/** A validation failure as a 400 naming the first offending field by its dotted path. */
export function fromZodError(error: z.ZodError, where?: 'query' | 'path'): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError('invalid_request', 'The request is invalid.');
  const path = issue.path.map(String).join('.');
  if (!path) return new ApiError('invalid_request', `Invalid ${where === 'query' ? 'query string' : 'request body'}: ${issue.message}`);
  const location = where ? ` (${where} parameter)` : '';
  return new ApiError('invalid_request', `Invalid '${path}'${location}: ${issue.message}`, path);
}

export const errorBody = z.object({
  error: z.object({
    type: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    param: z.string().optional(),
    request_id: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBody>;

export function toErrorBody(error: ApiError, requestId: string): ErrorBody {
  return { error: { type: error.code, message: error.message, ...(error.param ? { param: error.param } : {}), request_id: requestId } };
}
