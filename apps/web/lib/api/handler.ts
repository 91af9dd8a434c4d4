import { type Actor, type AdminScope, type ApiDeps, ApiError, checkRateLimit, fromZodError, type OrgScope, type RouteSpec } from '@gguf/api';
import { describeError, newId } from '@gguf/core';
import type { z } from 'zod';
import { serverContext, type ServerContext } from '../server/context';
import { authenticateAdmin, authenticateOrg } from './authenticate';
import { closeUnreadBody } from './close-unread-body';
import { readJsonBody } from './read-json-body';
import { jsonResponse } from './json-response';
import { errorResponse } from './respond';

/** What Next passes a route handler as its second argument. */
export interface RouteContext {
  params: Promise<Record<string, string | string[]>>;
}

// The parsed type of an optional schema field of a route spec (undefined when the route has none).
type Out<S> = [Exclude<S, undefined>] extends [never] ? undefined : Exclude<S, undefined> extends z.ZodType ? z.output<Exclude<S, undefined>> : undefined;

export interface HandlerInput<Spec extends RouteSpec, Scope> {
  deps: ApiDeps;
  scope: Scope;
  request: Request;
  requestId: string;
  body: Out<Spec['body']>;
  query: Out<Spec['query']>;
  params: Out<Spec['params']>;
  /** The raw body text, for the idempotency fingerprint. */
  rawBody: string;
}

type Handler<Spec extends RouteSpec, Scope> = (input: HandlerInput<Spec, Scope>) => Promise<z.input<Spec['response']> | z.output<Spec['response']>>;
type Authenticate<Scope> = (request: Request, ctx: ServerContext, requestId: string) => Promise<Scope>;

/**
 * The whole HTTP shell of an endpoint: request id, authentication, parsing the path, query and
 * body with the route's zod schemas, and mapping any error to the one error shape. Route files
 * stay one line: `export const POST = withOrg(createDeploymentRoute, ({ deps, scope, body }) => …)`.
 */
function route<Scope extends { actor: Actor } | null>(authenticate: Authenticate<Scope>) {
  return <Spec extends RouteSpec>(spec: Spec, handler: Handler<Spec, Scope>) =>
    async (request: Request, context: RouteContext): Promise<Response> => {
      const requestId = newId('request');
      const ctx = serverContext();
      try {
        const scope = await authenticate(request, ctx, requestId);
        if (scope) await limitRate(ctx, scope.actor);
        const params = parse(spec.params, await context.params, 'path');
        const query = parse(spec.query, Object.fromEntries(new URL(request.url).searchParams), 'query');
        const { value, raw } = spec.body ? await readJsonBody(request) : { value: undefined, raw: '' };
        const body = parse(spec.body, value);
        const result = await handler({ deps: ctx.deps, scope, request, requestId, body, query, params, rawBody: raw } as HandlerInput<Spec, Scope>);
        return jsonResponse(result, spec.status, requestId);
      } catch (error) {
        return closeUnreadBody(request, errorResponse(error, requestId, ctx.logger));
      }
    };
}

/** Rate limiting fails open: a Redis failure must not take the whole management API down with it. */
async function limitRate(ctx: ServerContext, actor: Actor): Promise<void> {
  try {
    await checkRateLimit(ctx.redis, actor, ctx.env.API_RATE_LIMIT_RPM);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    ctx.logger.warn({ err: describeError(error) }, 'rate limit check failed; letting the request through');
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, where?: 'query' | 'path'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, where);
  return result.data;
}

export const withOrg = route<OrgScope>(authenticateOrg);
export const withAdmin = route<AdminScope>(authenticateAdmin);
export const withPublic = route<null>(async () => null);
