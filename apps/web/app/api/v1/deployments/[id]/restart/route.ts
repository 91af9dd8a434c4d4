import { restartDeployment, restartDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';
import { idempotencyFrom } from '../../../../../../lib/api/idempotency';

export const POST = withOrg(restartDeploymentRoute, ({ deps, scope, params, request, rawBody }) =>
  restartDeployment(deps, scope, params.id, { idempotency: idempotencyFrom(request, rawBody) }),
);
