import { revokeApiKey, revokeApiKeyRoute } from '@gguf/api';
import { withOrg } from '../../../../../lib/api/handler';

export const DELETE = withOrg(revokeApiKeyRoute, ({ deps, scope, params }) => revokeApiKey(deps, scope, params.id));
