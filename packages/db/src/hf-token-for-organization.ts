import { SECRET_COLUMNS, type SecretBox, secretLocation } from '@gguf/core';
import type { Database } from './client';

/**
 * The Hugging Face token an organization's downloads use: its own token (set in its settings, stored sealed)
 * first; otherwise the platform's token (the worker's HF_TOKEN), only where an admin allowed this organization
 * to use it; otherwise none. A stored token that does not open throws a SecretsError naming where it is stored.
 */
export async function hfTokenForOrganization(db: Database, secrets: SecretBox, orgId: string, platformToken: string | undefined): Promise<string | undefined> {
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { hfTokenSecret: true, platformHfToken: true, deletedAt: true } });
  if (!org || org.deletedAt !== null) return undefined;
  if (org.hfTokenSecret !== null) return secrets.open(org.hfTokenSecret, secretLocation(SECRET_COLUMNS.organizationHfToken, orgId));
  return org.platformHfToken ? platformToken : undefined;
}
