import {
  adminDeleteOrganizationRoute,
  adminGetOrganizationRoute,
  adminUpdateOrganizationRoute,
  deleteOrganization,
  getOrganization,
  updateOrganization,
} from '@gguf/api';
import { withAdmin } from '../../../../../../lib/api/handler';

export const GET = withAdmin(adminGetOrganizationRoute, ({ deps, scope, params }) => getOrganization(deps, scope, params.id));

export const PATCH = withAdmin(adminUpdateOrganizationRoute, ({ deps, scope, params, body }) => updateOrganization(deps, scope, params.id, body));

export const DELETE = withAdmin(adminDeleteOrganizationRoute, ({ deps, scope, params }) => deleteOrganization(deps, scope, params.id));
