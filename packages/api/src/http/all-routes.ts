import type { HttpMethod, RouteSpec } from './route';
import * as routeModule from './routes';

export const ALL_ROUTES: readonly RouteSpec[] = Object.values(routeModule) as RouteSpec[];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each documented path as a pattern (`{id}` = one segment) with its method; the OpenAPI document describes every route but itself. */
const PATHS = [...ALL_ROUTES, { path: '/api/v1/openapi.json', method: 'GET' as const }].map((route) => ({
  pattern: new RegExp(`^${route.path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}/?$`),
  method: route.method,
}));

/**
 * The methods the API answers at `pathname`, or undefined when no endpoint lives there. Lets the web
 * app answer a known path called with the wrong method with a JSON 405 instead of Next's empty one.
 */
export function methodsAt(pathname: string): HttpMethod[] | undefined {
  const methods = new Set(PATHS.filter((entry) => entry.pattern.test(pathname)).map((entry) => entry.method));
  return methods.size > 0 ? [...methods] : undefined;
}
