import { createDeployment, createDeploymentRoute, listDeployments, listDeploymentsRoute } from '@gguf/api';
import { withOrg } from '../../../../lib/api/handler';
import { idempotencyFrom } from '../../../../lib/api/idempotency';

export const POST = withOrg(createDeploymentRoute, async ({ deps, scope, body, request, rawBody }) => {
  const { deployment } = await createDeployment(deps, scope, body, { idempotency: idempotencyFrom(request, rawBody) });
  return deployment;
});

export const GET = withOrg(listDeploymentsRoute, ({ deps, scope, query }) => listDeployments(deps, scope, query));
