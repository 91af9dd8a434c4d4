import type { DesiredState } from '@gguf/db';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { type Idempotency, runIdempotent } from '../idempotency/run-idempotent';
import { announceOrganization } from '../organizations/announce-organization';
import { lockOrganization } from '../organizations/lock-organization';
import { announceDeployment } from './announce-deployment';
import { findDeployment } from './find-deployment';
import { loadReplicasOf } from './load-replicas';
import { recordDeploymentEvent } from './record-event';
import type { DeploymentObject } from './schemas';
import { serializeDeployment } from './serialize-deployment';

export type DeploymentAction = 'start' | 'stop' | 'restart' | 'delete';

/**
 * What each action asks of the worker. The API only records the wish (desired state, and for a
 * restart a new generation); the observed status is the worker's to move through the state machine.
 */
const ACTIONS: { [A in DeploymentAction]: { desiredState: DesiredState; bump: boolean; message: string } } = {
  start: { desiredState: 'running', bump: false, message: 'Start requested' },
  stop: { desiredState: 'stopped', bump: false, message: 'Stop requested' },
  restart: { desiredState: 'running', bump: true, message: 'Restart requested' },
  delete: { desiredState: 'deleted', bump: false, message: 'Deletion requested' },
};

/**
 * Records the action. With an Idempotency-Key a retried call answers what the first one did instead of acting
 * twice: what matters for restart, where each call is a new generation.
 */
export async function changeDeploymentState(deps: ApiDeps, scope: OrgScope, id: string, action: DeploymentAction, options: { idempotency?: Idempotency } = {}): Promise<DeploymentObject> {
  const spec = ACTIONS[action];
  const { value, replayed } = await runIdempotent(deps, scope.orgId, options.idempotency, 200, async (tx) => {
    // A delete changes the organization row (its default), so it takes that lock first, as creates and renames do.
    if (action === 'delete') await lockOrganization(tx, scope.orgId);
    const current = await findDeployment(tx, scope.orgId, id, { lock: true });
    // Starting a failed deployment is a fresh attempt: a new generation, so the worker does not
    // skip it as work it already gave up on.
    const bump = spec.bump || (action === 'start' && current.status === 'failed');
    const updated = await tx.deployment.update({
      where: { id },
      data: { desiredState: spec.desiredState, ...(bump ? { generation: { increment: 1 } } : {}) },
    });
    await recordDeploymentEvent(tx, id, spec.message, { generation: updated.generation });
    // A deleted deployment frees its model names at once, and stops being the organization's default.
    const unsetDefault = action === 'delete' && (await tx.organization.updateMany({ where: { id: scope.orgId, defaultDeploymentId: id }, data: { defaultDeploymentId: null } })).count > 0;
    await writeAuditLog(tx, {
      ...scope,
      action: `deployment.${action}`,
      targetType: 'deployment',
      targetId: id,
      details: { generation: updated.generation, ...(unsetDefault ? { default_deployment_unset: true } : {}) },
    });
    return serializeDeployment(updated, await loadReplicasOf(deps, tx, id), deps.publicGatewayUrl);
  });
  if (!replayed) {
    await announceDeployment(deps, { id, generation: value.generation, desiredState: value.desired_state, reason: spec.message.toLowerCase() });
    if (action === 'delete') await announceOrganization(deps, scope.orgId, 'updated');
  }
  return value;
}

type StateOptions = { idempotency?: Idempotency };
export const startDeployment = (deps: ApiDeps, scope: OrgScope, id: string, options?: StateOptions) => changeDeploymentState(deps, scope, id, 'start', options);
export const stopDeployment = (deps: ApiDeps, scope: OrgScope, id: string, options?: StateOptions) => changeDeploymentState(deps, scope, id, 'stop', options);
export const restartDeployment = (deps: ApiDeps, scope: OrgScope, id: string, options?: StateOptions) => changeDeploymentState(deps, scope, id, 'restart', options);
