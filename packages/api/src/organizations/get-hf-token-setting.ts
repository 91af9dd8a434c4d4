import type { Organization } from '@gguf/db';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findOrganization } from './find-organization';
import type { HfTokenSettingObject } from './schemas';

/** Whether a token is set, never the token. */
export function hfTokenSettingOf(row: Pick<Organization, 'hfTokenSecret' | 'platformHfToken'>): HfTokenSettingObject {
  return { hf_token_set: row.hfTokenSecret !== null, platform_hf_token: row.platformHfToken };
}

/** Any member may see whether the organization's downloads have a token; owners and admins change it. */
export async function getHfTokenSetting(deps: ApiDeps, scope: OrgScope): Promise<HfTokenSettingObject> {
  return hfTokenSettingOf(await findOrganization(deps.db, scope.orgId));
}

export function requireHfTokenManager(scope: OrgScope): void {
  if (scope.role === 'member') throw new ApiError('permission_denied', "Changing the organization's Hugging Face token needs the owner or admin role in this organization.");
}
