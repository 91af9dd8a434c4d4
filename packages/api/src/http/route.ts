import type { z } from 'zod';
import type { ApiErrorCode } from '../errors/api-error';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Who may call a route: `org` = a tenant (org API key or dashboard session), `admin` = the admin
 * token or a platform admin's session, `public` = anyone.
 */
export type RouteAuth = 'org' | 'admin' | 'public';

type Obj = z.ZodObject;

/**
 * One endpoint: the schemas its handler parses with and the OpenAPI document is generated from,
 * so the documentation cannot drift from what the code accepts.
 */
export interface RouteSpec<Body extends z.ZodType | undefined = z.ZodType | undefined, Query extends Obj | undefined = Obj | undefined, Params extends Obj | undefined = Obj | undefined, Response extends z.ZodType = z.ZodType> {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/deployments/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  body?: Body;
  query?: Query;
  params?: Params;
  response: Response;
  status: 200 | 201;
  /** Honors the Idempotency-Key header. */
  idempotent?: boolean;
  /** Error types this route answers with besides the ones every route may. */
  errors?: ApiErrorCode[];
}

export function defineRoute<Body extends z.ZodType | undefined = undefined, Query extends Obj | undefined = undefined, Params extends Obj | undefined = undefined, Response extends z.ZodType = z.ZodType>(
  spec: RouteSpec<Body, Query, Params, Response>,
): RouteSpec<Body, Query, Params, Response> {
  return spec;
}
