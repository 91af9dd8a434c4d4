import { stopDeployment, stopDeploymentRoute } from '@gguf/api';
import { withOrg } from '../../../../../../lib/api/handler';
import { idempotencyFrom } from '../../../../../../lib/api/idempotency';

export const POST = withOrg(stopDeploymentRoute, ({ deps, scope, params, request, rawBody }) =>
  stopDeployment(deps, scope, params.id, { idempotency: idempotencyFrom(request, rawBody) }),
);
