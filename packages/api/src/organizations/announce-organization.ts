import { publishOrganizationChanged } from '@gguf/redis';
import type { ApiDeps } from '../deps';
import { afterCommit } from '../shared/after-commit';

/** Gateways cache organization limits; tell them after a change commits. */
export async function announceOrganization(deps: ApiDeps, orgId: string, kind: 'updated' | 'deleted'): Promise<void> {
  await afterCommit(deps, 'publish an organization change', { orgId }, () => publishOrganizationChanged(deps.redis, { kind, orgId }));
}
