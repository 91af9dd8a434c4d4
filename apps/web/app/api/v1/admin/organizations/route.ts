import { adminCreateOrganizationRoute, adminListOrganizationsRoute, createOrganization, listOrganizations } from '@gguf/api';
import { withAdmin } from '../../../../../lib/api/handler';

export const POST = withAdmin(adminCreateOrganizationRoute, ({ deps, scope, body }) => createOrganization(deps, scope, body));

export const GET = withAdmin(adminListOrganizationsRoute, ({ deps, scope, query }) => listOrganizations(deps, scope, query));
