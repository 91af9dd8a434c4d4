import { getCurrentOrganization, getCurrentOrganizationRoute, updateCurrentOrganization, updateCurrentOrganizationRoute } from '@gguf/api';
import { withOrg } from '../../../../lib/api/handler';

export const GET = withOrg(getCurrentOrganizationRoute, ({ deps, scope }) => getCurrentOrganization(deps, scope));

export const PATCH = withOrg(updateCurrentOrganizationRoute, ({ deps, scope, body }) => updateCurrentOrganization(deps, scope, body));
