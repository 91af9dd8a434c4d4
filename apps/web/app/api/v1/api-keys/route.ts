import { createApiKey, createApiKeyRoute, listApiKeys, listApiKeysRoute } from '@gguf/api';
import { withOrg } from '../../../../lib/api/handler';

export const POST = withOrg(createApiKeyRoute, ({ deps, scope, body }) => createApiKey(deps, scope, body));

export const GET = withOrg(listApiKeysRoute, ({ deps, scope, query }) => listApiKeys(deps, scope, query));
