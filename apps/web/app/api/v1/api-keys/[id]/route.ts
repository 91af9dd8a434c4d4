import { getApiKey, getApiKeyRoute, revokeApiKey, revokeApiKeyRoute, updateApiKey, updateApiKeyRoute } from '@gguf/api';
import { withOrg } from '../../../../../lib/api/handler';

export const GET = withOrg(getApiKeyRoute, ({ deps, scope, params }) => getApiKey(deps, scope, params.id));

export const PATCH = withOrg(updateApiKeyRoute, ({ deps, scope, params, body }) => updateApiKey(deps, scope, params.id, body));

export const DELETE = withOrg(revokeApiKeyRoute, ({ deps, scope, params }) => revokeApiKey(deps, scope, params.id));
