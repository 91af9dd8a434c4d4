import * as apiKeyRoutes from '../api-keys/routes';
import * as auditLogRoutes from '../audit-logs/routes';
import * as adminDeploymentRoutes from '../deployments/admin-routes';
import * as deploymentRoutes from '../deployments/routes';
import * as membershipRoutes from '../memberships/routes';
import * as modelRoutes from '../models/routes';
import * as nodeRoutes from '../nodes/routes';
import * as openApiRoutes from '../openapi/routes';
import * as adminOrganizationRoutes from '../organizations/admin-routes';
import * as organizationRoutes from '../organizations/routes';
import * as usageRoutes from '../usage/routes';
import * as userRoutes from '../users/routes';
import type { HttpMethod, RouteSpec } from './route';

const routesByName: Record<string, RouteSpec> = {
  ...apiKeyRoutes,
  ...auditLogRoutes,
  ...adminDeploymentRoutes,
  ...deploymentRoutes,
  ...membershipRoutes,
  ...modelRoutes,
  ...nodeRoutes,
  ...openApiRoutes,
  ...adminOrganizationRoutes,
  ...organizationRoutes,
  ...usageRoutes,
  ...userRoutes,
};

/** Every route spec, in the order of its export name, the order the OpenAPI document lists them in. */
export const ALL_ROUTES: readonly RouteSpec[] = Object.keys(routesByName)
  .sort()
  .map((name) => routesByName[name] as RouteSpec);

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
