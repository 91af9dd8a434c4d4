import { newId } from '@gguf/core';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Prisma } from './generated/client';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function seedDeployment(orgId: string, overrides: Partial<Prisma.DeploymentUncheckedCreateInput> = {}) {
  return t.db.deployment.create({
    data: { id: newId('deployment'), orgId, name: 'llama', modelName: 'llama', modelSource: 'huggingface', modelRepo: 'org/repo', modelFile: 'm.gguf', upstreamSecret: 's', ...overrides },
  });
}

describe('data model', () => {
  it('stores an organization with its quotas, users and memberships', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'Acme', slug: 'acme' } });
    expect(org).toMatchObject({ maxDeployments: 10, maxGpus: 8, rateLimitRpm: null, deletedAt: null });
    const user = await t.db.user.create({ data: { id: newId('user'), email: 'a@acme.test', name: 'A' } });
    await t.db.membership.create({ data: { orgId: org.id, userId: user.id, role: 'owner' } });
    expect(await t.db.membership.count({ where: { userId: user.id } })).toBe(1);
    await expect(t.db.user.create({ data: { id: newId('user'), email: 'a@acme.test', name: 'Again' } })).rejects.toMatchObject({ code: 'P2002' });
  });

  it('gives a deployment the documented defaults', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'D', slug: 'd-defaults' } });
    const deployment = await seedDeployment(org.id);
    expect(deployment).toMatchObject({
      status: 'pending',
      desiredState: 'running',
      generation: 1,
      failedGeneration: null,
      replicasWanted: 1,
      targetConcurrency: null,
      gpuCount: 1,
      contextSize: 4096,
      parallel: 1,
      embeddings: false,
      llamaArgs: {},
      statusMessage: '',
    });
  });

  /** A server of the deployment on the node: what holds a port and GPUs. */
  const seedServer = (deploymentId: string, nodeId: string, port: number) =>
    t.db.server.create({ data: { id: newId('server'), deploymentId, generation: 1, nodeId, port } });

  it('forbids booking one GPU twice, in the database itself', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'G', slug: 'g-gpus' } });
    const node = await t.db.node.create({
      data: { id: newId('node'), name: 'gpu-1', runtimeKind: 'docker', address: '127.0.0.1', gpus: { create: [{ index: 0, type: 'NVIDIA L4', memoryMb: 23034 }] } },
    });
    const [a, b] = await Promise.all([seedDeployment(org.id), seedDeployment(org.id)]);
    const [sa, sb] = await Promise.all([seedServer(a.id, node.id, 20000), seedServer(b.id, node.id, 20001)]);
    const book = (serverId: string) => t.db.gpuAllocation.create({ data: { nodeId: node.id, gpuIndex: 0, serverId } });
    const results = await Promise.allSettled([book(sa.id), book(sb.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'P2002' } });
    // A GPU the node does not have cannot be booked at all.
    await expect(t.db.gpuAllocation.create({ data: { nodeId: node.id, gpuIndex: 7, serverId: sa.id } })).rejects.toMatchObject({ code: 'P2003' });
  });

  it('forbids two servers on one port of a node, even of one deployment, but not on two nodes', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'P', slug: 'p-ports' } });
    const node = await t.db.node.create({ data: { id: newId('node'), name: 'cpu-1', runtimeKind: 'process', address: '127.0.0.1' } });
    const other = await t.db.node.create({ data: { id: newId('node'), name: 'cpu-2', runtimeKind: 'process', address: '127.0.0.1' } });
    const [a, b] = await Promise.all([seedDeployment(org.id), seedDeployment(org.id)]);
    const first = await seedServer(a.id, node.id, 20000);
    expect(first).toMatchObject({ status: 'placed', statusMessage: '', restartCount: 0, readyAt: null, upstreamUrl: null, runtimeHandle: null });
    await expect(seedServer(b.id, node.id, 20000)).rejects.toMatchObject({ code: 'P2002' });
    await expect(seedServer(a.id, node.id, 20000)).rejects.toMatchObject({ code: 'P2002' });
    await seedServer(b.id, other.id, 20000);
    await seedServer(a.id, node.id, 20001);
    expect(await t.db.server.count({ where: { deploymentId: a.id } })).toBe(2);
  });

  it('releases servers, their allocations and events with their deployment', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'C', slug: 'c-cascade' } });
    const node = await t.db.node.create({
      data: { id: newId('node'), name: 'gpu-2', runtimeKind: 'docker', address: '127.0.0.1', gpus: { create: [{ index: 0, type: 'T4', memoryMb: 15360 }] } },
    });
    const deployment = await seedDeployment(org.id);
    const server = await seedServer(deployment.id, node.id, 20000);
    await t.db.gpuAllocation.create({ data: { nodeId: node.id, gpuIndex: 0, serverId: server.id } });
    await t.db.deploymentEvent.create({ data: { deploymentId: deployment.id, type: 'status', toStatus: 'pending', message: 'created' } });
    await t.db.deployment.delete({ where: { id: deployment.id } });
    expect(await t.db.server.count({ where: { deploymentId: deployment.id } })).toBe(0);
    expect(await t.db.gpuAllocation.count({ where: { serverId: server.id } })).toBe(0);
    expect(await t.db.deploymentEvent.count({ where: { deploymentId: deployment.id } })).toBe(0);
  });

  it("releases a server's GPUs when the server row goes, and the deployment stays", async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'R', slug: 'r-release' } });
    const node = await t.db.node.create({
      data: { id: newId('node'), name: 'gpu-3', runtimeKind: 'docker', address: '127.0.0.1', gpus: { create: [{ index: 0, type: 'T4', memoryMb: 15360 }] } },
    });
    const deployment = await seedDeployment(org.id);
    const server = await seedServer(deployment.id, node.id, 20000);
    await t.db.gpuAllocation.create({ data: { nodeId: node.id, gpuIndex: 0, serverId: server.id } });
    await t.db.server.delete({ where: { id: server.id } });
    expect(await t.db.gpuAllocation.count({ where: { nodeId: node.id } })).toBe(0);
    expect(await t.db.deployment.count({ where: { id: deployment.id } })).toBe(1);
  });

  it('accumulates usage per key × deployment × model name × hour with upserts', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'U', slug: 'u-usage' } });
    const deployment = await seedDeployment(org.id);
    const key = await t.db.apiKey.create({ data: { id: newId('apiKey'), orgId: org.id, name: 'k', prefix: 'gguf_uuuuuu', hash: 'u'.repeat(64) } });
    const hour = new Date(Date.UTC(2026, 10, 22, 1));
    const where = { apiKeyId_deploymentId_modelName_hour: { apiKeyId: key.id, deploymentId: deployment.id, modelName: 'llama', hour } };
    for (let i = 0; i < 3; i++) {
      await t.db.usageHourly.upsert({
        where,
        create: { apiKeyId: key.id, deploymentId: deployment.id, modelName: 'llama', hour, orgId: org.id, requests: 1, inputTokens: 10, outputTokens: 5 },
        update: { requests: { increment: 1 }, inputTokens: { increment: 10 }, outputTokens: { increment: 5 } },
      });
    }
    expect(await t.db.usageHourly.findUnique({ where })).toMatchObject({ requests: 3n, inputTokens: 30n, outputTokens: 15n });
  });

  it('keeps audit rows when their organization goes away', async () => {
    const org = await t.db.organization.create({ data: { id: newId('organization'), name: 'A', slug: 'a-audit' } });
    const row = await t.db.auditLog.create({ data: { orgId: org.id, actorType: 'admin_token', action: 'organization.create', targetType: 'organization', targetId: org.id } });
    await t.db.organization.delete({ where: { id: org.id } });
    expect(await t.db.auditLog.findUnique({ where: { id: row.id } })).toMatchObject({ orgId: null, action: 'organization.create' });
  });
});
