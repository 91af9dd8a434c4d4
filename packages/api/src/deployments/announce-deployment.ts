import type { DesiredState } from '@gguf/db';
import { enqueueDeploymentSync, publishDeploymentChanged } from '@gguf/redis';
import type { ApiDeps } from '../deps';
import { announceOrganization } from '../organizations/announce-organization';
import { afterCommit } from '../shared/after-commit';

export interface DeploymentChange {
  id: string;
  generation: number;
  desiredState: DesiredState;
  /** Short human reason the worker logs and may show in the timeline. */
  reason: string;
}

/** After a change commits: hand the worker a sync job and tell every gateway to drop its cached route. */
export async function announceDeployment(deps: ApiDeps, change: DeploymentChange): Promise<void> {
  await afterCommit(deps, 'notify the worker and gateways of a deployment change', { deploymentId: change.id }, async () => {
    await enqueueDeploymentSync(deps.queue, {
      deploymentId: change.id,
      generation: change.generation,
      desiredState: change.desiredState,
      reason: change.reason,
    });
    await publishDeploymentChanged(deps.redis, { kind: change.desiredState === 'deleted' ? 'deleted' : 'updated', deploymentId: change.id });
  });
}

/**
 * After a deployment's model name or aliases change: nothing for the worker, but every gateway drops the
 * deployment's route and the organization's model table (what /api/llm resolves `model` against).
 */
export async function announceModelNames(deps: ApiDeps, orgId: string, deploymentId: string): Promise<void> {
  await afterCommit(deps, 'publish new model names', { deploymentId }, () => publishDeploymentChanged(deps.redis, { kind: 'updated', deploymentId }));
  await announceOrganization(deps, orgId, 'updated');
}
