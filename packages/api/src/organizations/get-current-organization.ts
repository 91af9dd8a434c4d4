import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findOrganization } from './find-organization';
import type { CurrentOrganizationObject } from './schemas';
import { serializeOrganization } from './serialize-organization';

/** PUBLIC_GATEWAY_URL + /api/llm: one base URL for all of an organization's models. */
export function organizationEndpointUrl(publicGatewayUrl: string): string {
  return `${publicGatewayUrl}/api/llm`;
}

/** The caller's organization, its limits, default deployment and endpoint; any member may read it. */
export async function getCurrentOrganization(deps: ApiDeps, scope: OrgScope): Promise<CurrentOrganizationObject> {
  const baseUrl = organizationEndpointUrl(deps.publicGatewayUrl);
  return { ...serializeOrganization(await findOrganization(deps.db, scope.orgId)), base_url: baseUrl, openai_base_url: `${baseUrl}/v1` };
}
