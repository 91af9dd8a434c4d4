import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from './find-organization';
import type { OrganizationObject } from './schemas';
import { serializeOrganization } from './serialize-organization';

export async function getOrganization(deps: ApiDeps, _scope: AdminScope, id: string): Promise<OrganizationObject> {
  return serializeOrganization(await findOrganization(deps.db, id));
}
