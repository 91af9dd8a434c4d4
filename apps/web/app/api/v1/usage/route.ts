import { getUsage, getUsageRoute } from '@gguf/api';
import { withOrg } from '../../../../lib/api/handler';

export const GET = withOrg(getUsageRoute, ({ deps, scope, query }) => getUsage(deps, scope, query));
