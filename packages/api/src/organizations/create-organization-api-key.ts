import { createApiKey } from '../api-keys/create-api-key';
import type { CreateApiKeyInput, CreatedApiKeyObject } from '../api-keys/schemas';
import { type AdminScope, adminInOrg } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from './find-organization';

/** An operator mints a key inside a tenant, typically its first one. */
export async function createOrganizationApiKey(deps: ApiDeps, scope: AdminScope, orgId: string, input: CreateApiKeyInput): Promise<CreatedApiKeyObject> {
  await findOrganization(deps.db, orgId);
  return createApiKey(deps, adminInOrg(scope, orgId), input);
}
