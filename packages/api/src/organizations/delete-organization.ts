import { writeAuditLog } from '../audit/write-audit-log';
import { announceRevocation } from '../api-keys/revoke-api-key';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { announceDeployment } from '../deployments/announce-deployment';
import { LIVE_DEPLOYMENT } from '../deployments/find-deployment';
import { announceOrganization } from './announce-organization';
import { findOrganization } from './find-organization';

/**
 * Soft-deletes an organization so its usage and audit history keep an owner, and leaves no
 * orphans: every deployment is asked to be deleted (the worker stops it and releases its GPUs and
 * port) and every key is revoked, all in the transaction that marks the organization deleted.
 */
export async function deleteOrganization(deps: ApiDeps, scope: AdminScope, id: string): Promise<{ id: string; deleted: true }> {
  const { deployments, keys } = await deps.db.$transaction(async (tx) => {
    await findOrganization(tx, id);
    await tx.organization.update({ where: { id }, data: { deletedAt: new Date() } });
    const deployments = await tx.deployment.findMany({ where: { orgId: id, ...LIVE_DEPLOYMENT }, select: { id: true, generation: true } });
    await tx.deployment.updateMany({ where: { id: { in: deployments.map((d) => d.id) } }, data: { desiredState: 'deleted' } });
    await tx.deploymentEvent.createMany({ data: deployments.map((d) => ({ deploymentId: d.id, type: 'api', message: 'Deletion requested: organization deleted' })) });
    const keys = await tx.apiKey.findMany({ where: { orgId: id, revokedAt: null }, select: { id: true, hash: true } });
    await tx.apiKey.updateMany({ where: { id: { in: keys.map((k) => k.id) } }, data: { revokedAt: new Date() } });
    await writeAuditLog(tx, {
      ...scope,
      orgId: id,
      action: 'organization.delete',
      targetType: 'organization',
      targetId: id,
      details: { deployments: deployments.map((d) => d.id), revoked_keys: keys.map((k) => k.id) },
    });
    return { deployments, keys };
  });
  for (const d of deployments) await announceDeployment(deps, { id: d.id, generation: d.generation, desiredState: 'deleted', reason: 'organization deleted' });
  for (const k of keys) await announceRevocation(deps, k.id, k.hash);
  await announceOrganization(deps, id, 'deleted');
  return { id, deleted: true };
}
