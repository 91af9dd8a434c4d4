import { adminCreateOrganizationApiKeyRoute, createOrganizationApiKey } from '@gguf/api';
import { withAdmin } from '../../../../../../../lib/api/handler';

export const POST = withAdmin(adminCreateOrganizationApiKeyRoute, ({ deps, scope, params, body }) => createOrganizationApiKey(deps, scope, params.id, body));
