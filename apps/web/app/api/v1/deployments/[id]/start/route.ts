import { startDeployment, startDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';
import { idempotencyFrom } from '../../../../../../lib/api/idempotency';

export const POST = withOrg(startDeploymentRoute, ({ deps, scope, params, request, rawBody }) =>
  startDeployment(deps, scope, params.id, { idempotency: idempotencyFrom(request, rawBody) }),
);
