import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from '../organizations/find-organization';
import type { MembershipObject } from './schemas';
import { serializeMembership, WITH_USER } from './serialize-membership';

export async function listMemberships(deps: ApiDeps, _scope: AdminScope, orgId: string): Promise<{ data: MembershipObject[] }> {
  await findOrganization(deps.db, orgId);
  const rows = await deps.db.membership.findMany({ where: { orgId }, include: WITH_USER, orderBy: { createdAt: 'asc' } });
  return { data: rows.map(serializeMembership) };
}
