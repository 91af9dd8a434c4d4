// The tenant the gateway benchmark calls as: one organization, one API key, and a running deployment per
// upstream, as its one ready server (each the same fast upstream, reached over plain TCP or through the
// worker's socket forwarder), with its upstream secret sealed as the API stores it.
import { generateApiKey, newId, SECRET_COLUMNS, SecretBox, secretLocation } from '@gguf/core';
import { createDatabase } from '@gguf/db';
import { readyServer } from '../apps/gateway/src/test/servers';

export const UPSTREAM_SECRET = 'upstream-secret';
/** The gateway opens the deployment's sealed upstream secret with it, as in production. */
export const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef0123456789';

export interface BenchTenant {
  apiKey: string;
  /** Deployment ids, in the order of the upstream URLs given. */
  deploymentIds: string[];
}

export async function seedTenant(databaseUrl: string, upstreamUrls: string[]): Promise<BenchTenant> {
  const db = createDatabase(databaseUrl);
  try {
    const orgId = newId('organization');
    const apiKey = generateApiKey();
    const box = new SecretBox({ current: SECRETS_KEY });
    await db.organization.create({ data: { id: orgId, name: 'bench', slug: 'bench' } });
    const deploymentIds: string[] = [];
    for (const [index, upstreamUrl] of upstreamUrls.entries()) {
      const id = newId('deployment');
      await db.deployment.create({
        data: {
          id,
          orgId,
          name: `bench-${index}`,
          modelName: `bench-${index}`,
          modelSource: 'local',
          modelPath: 'bench.gguf',
          status: 'running',
          upstreamSecret: box.seal(UPSTREAM_SECRET, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
        },
      });
      await readyServer(db, id, upstreamUrl);
      deploymentIds.push(id);
    }
    await db.apiKey.create({ data: { id: newId('apiKey'), orgId, name: 'bench', prefix: apiKey.prefix, hash: apiKey.hash } });
    return { apiKey: apiKey.key, deploymentIds };
  } finally {
    await db.$disconnect();
  }
}
