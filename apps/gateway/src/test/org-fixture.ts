import type { FakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import type { Harness } from './harness';

/**
 * An organization with three deployments, each on its own fake llama-server whose alias tells which one
 * answered (the fake's reply names it): a coder reached by `qwen` and `claude-*`, a llama reached by `llama` and
 * `claude-*-haiku-*` (the organization's default), and an embedder reached by `text-embedding-*`.
 */
export interface OrgFixture {
  orgId: string;
  key: string;
  fakes: { qwen: FakeLlamaServer; llama: FakeLlamaServer; embed: FakeLlamaServer };
  deployments: { qwen: string; llama: string; embed: string };
  /** Another organization with one deployment (`solo`) and no default, for names that match nothing. */
  solo: { orgId: string; key: string; deploymentId: string };
}

export async function createOrgFixture(h: Harness): Promise<OrgFixture> {
  const [qwen, llama, embed] = await Promise.all([h.startFake(['-a', 'qwen-file.gguf']), h.startFake(['-a', 'llama-file.gguf']), h.startFake(['-a', 'embed-file.gguf', '--embeddings'])]);
  const orgId = await h.createOrg();
  const deployments = {
    qwen: await h.createDeployment(orgId, { upstreamUrl: qwen.url, modelName: 'qwen-coder', modelAliases: ['qwen', 'claude-*'] }),
    llama: await h.createDeployment(orgId, { upstreamUrl: llama.url, modelName: 'llama-3.1-8b', modelAliases: ['llama', 'claude-*-haiku-*'] }),
    embed: await h.createDeployment(orgId, { upstreamUrl: embed.url, modelName: 'nomic-embed', modelAliases: ['text-embedding-*'] }),
  };
  await h.db.organization.update({ where: { id: orgId }, data: { defaultDeploymentId: deployments.llama } });
  const soloOrg = await h.createOrg();
  const solo = { orgId: soloOrg, key: (await h.createKey(soloOrg)).key, deploymentId: await h.createDeployment(soloOrg, { modelName: 'solo' }) };
  return { orgId, key: (await h.createKey(orgId)).key, fakes: { qwen, llama, embed }, deployments, solo };
}
