import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { newId, SECRET_COLUMNS, SecretBox, secretLocation } from '@gguf/core';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeReports, rotateStoredSecrets, sealPlaintextSecrets } from './stored-secrets';

const OLD = 'old-secrets-key-0123456789abcdef0123456789';
const NEW = 'new-secrets-key-0123456789abcdef0123456789';
const before = new SecretBox({ current: OLD });
const during = new SecretBox({ current: NEW, previous: OLD });
const after = new SecretBox({ current: NEW });

const at = {
  deployment: (id: string) => secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id),
  node: (id: string) => secretLocation(SECRET_COLUMNS.nodeDockerTls, id),
  org: (id: string) => secretLocation(SECRET_COLUMNS.organizationHfToken, id),
};

let t: TestDatabase;
let orgId: string;
beforeEach(async () => {
  t = await createTestDatabase();
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'o', slug: 'o' } });
});
afterEach(() => t.drop());

async function addDeployment(upstreamSecret: (id: string) => string): Promise<string> {
  const id = newId('deployment');
  await t.db.deployment.create({ data: { id, orgId, name: 'd', modelName: `d-${id.slice(-6)}`, modelSource: 'local', modelPath: 'm.gguf', upstreamSecret: upstreamSecret(id) } });
  return id;
}

async function addNode(dockerTls: (id: string) => string | null): Promise<string> {
  const id = newId('node');
  await t.db.node.create({ data: { id, name: id, runtimeKind: 'docker', address: '10.0.0.1', dockerTls: dockerTls(id) } });
  return id;
}

const stored = async () => ({
  deployments: await t.db.deployment.findMany({ select: { id: true, upstreamSecret: true }, orderBy: { id: 'asc' } }),
  nodes: await t.db.node.findMany({ select: { id: true, dockerTls: true }, orderBy: { id: 'asc' } }),
  org: await t.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { hfTokenSecret: true } }),
});

describe('sealPlaintextSecrets (the migration step)', () => {
  it('seals every plaintext value in batches, bound to its row, and leaves sealed values alone', async () => {
    const plain = Array.from({ length: 5 }, (_, i) => `plain-upstream-${i}`);
    const ids = [];
    for (const value of plain) ids.push(await addDeployment(() => value));
    const alreadySealed = await addDeployment((id) => before.seal('sealed-before', at.deployment(id)));
    const tlsJson = JSON.stringify({ ca: 'CA', cert: 'CERT', key: 'PRIVATE-KEY-MATERIAL' });
    const nodeId = await addNode(() => tlsJson);
    await addNode(() => null);
    await t.db.organization.update({ where: { id: orgId }, data: { hfTokenSecret: 'hf_plaintexttoken' } });
    const untouched = (await t.db.deployment.findUniqueOrThrow({ where: { id: alreadySealed } })).upstreamSecret;

    const reports = await sealPlaintextSecrets(t.db, before, { batchSize: 2 });
    expect(describeReports(reports)).toEqual(['deployments.upstream_secret: 5 sealed', 'nodes.docker_tls: 1 sealed', 'organizations.hf_token_secret: 1 sealed']);
    expect(JSON.stringify(reports)).not.toMatch(/plain-upstream|PRIVATE-KEY|hf_plaintext/);

    const rows = await stored();
    for (const [i, id] of ids.entries()) {
      const value = rows.deployments.find((d) => d.id === id)!.upstreamSecret;
      expect(value).toMatch(/^gse1\./);
      expect(before.open(value, at.deployment(id))).toBe(plain[i]);
    }
    expect(rows.deployments.find((d) => d.id === alreadySealed)!.upstreamSecret).toBe(untouched);
    expect(before.open(rows.nodes.find((n) => n.id === nodeId)!.dockerTls!, at.node(nodeId))).toBe(tlsJson);
    expect(rows.nodes.filter((n) => n.dockerTls === null)).toHaveLength(1);
    expect(before.open(rows.org.hfTokenSecret!, at.org(orgId))).toBe('hf_plaintexttoken');

    // Idempotent: nothing left to do, nothing rewritten.
    expect(describeReports(await sealPlaintextSecrets(t.db, before, { batchSize: 2 }))).toEqual([]);
    expect(await stored()).toEqual(rows);
  });

  it('never mistakes a damaged envelope for plaintext', async () => {
    await addDeployment(() => 'gse1.damaged');
    expect(describeReports(await sealPlaintextSecrets(t.db, before))).toEqual([]);
    expect((await stored()).deployments[0]!.upstreamSecret).toBe('gse1.damaged');
  });
});

describe('rotateStoredSecrets', () => {
  it('re-wraps every value under the new key, resumes after a partial run, and reports what it cannot open', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await addDeployment((id) => before.seal(`upstream-${i}`, at.deployment(id))));
    const nodeId = await addNode((id) => before.seal('{"key":"K"}', at.node(id)));
    await t.db.organization.update({ where: { id: orgId }, data: { hfTokenSecret: before.seal('hf_token', at.org(orgId)) } });
    // A value copied from another row: it opens nowhere here, and is reported rather than re-wrapped.
    const moved = await addDeployment(() => before.seal('elsewhere', at.deployment('dep_01notthisrow')));
    const legacy = await addDeployment(() => 'still-plain');
    // An earlier, interrupted run had already re-wrapped two rows.
    for (const id of ids.slice(0, 2)) {
      const row = await t.db.deployment.findUniqueOrThrow({ where: { id } });
      await t.db.deployment.update({ where: { id }, data: { upstreamSecret: during.rewrap(row.upstreamSecret, at.deployment(id)) } });
    }

    const reports = await rotateStoredSecrets(t.db, during, { batchSize: 3 });
    expect(describeReports(reports)).toEqual([
      'deployments.upstream_secret: 1 sealed, 5 re-wrapped, 1 could not be opened',
      'nodes.docker_tls: 1 re-wrapped',
      'organizations.hf_token_secret: 1 re-wrapped',
    ]);
    const failed = reports.flatMap((r) => r.failed);
    expect(failed).toEqual([{ location: at.deployment(moved), reason: expect.stringContaining('belongs to another row') }]);
    expect(JSON.stringify(reports)).not.toContain('elsewhere');

    // The new key alone opens everything that was rotated.
    const rows = await stored();
    for (const [i, id] of ids.entries()) expect(after.open(rows.deployments.find((d) => d.id === id)!.upstreamSecret, at.deployment(id))).toBe(`upstream-${i}`);
    expect(after.open(rows.deployments.find((d) => d.id === legacy)!.upstreamSecret, at.deployment(legacy))).toBe('still-plain');
    expect(after.open(rows.nodes[0]!.dockerTls!, at.node(nodeId))).toBe('{"key":"K"}');
    expect(after.open(rows.org.hfTokenSecret!, at.org(orgId))).toBe('hf_token');

    // Idempotent: a second run re-wraps nothing and still reports the row it cannot open.
    const again = await rotateStoredSecrets(t.db, during);
    expect(describeReports(again)).toEqual(['deployments.upstream_secret: 1 could not be opened']);
    expect(await stored()).toEqual(rows);
  });
});

describe('the command line', () => {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      child.once('exit', (code) => resolve({ code, output }));
    });

  it('db:migrate seals plaintext rows and prints counts only; it refuses to run without SECRETS_KEY', { timeout: 60_000 }, async () => {
    const id = await addDeployment(() => 'plain-upstream-secret');
    const refused = await run(['deploy'], { DATABASE_URL: t.url });
    expect(refused.code).toBe(78);
    expect(refused.output).toContain('SECRETS_KEY: is required but not set');

    const migrated = await run(['deploy'], { DATABASE_URL: t.url, SECRETS_KEY: OLD });
    expect(migrated.output).toContain('Sealed secrets stored in plain text:\n  deployments.upstream_secret: 1 sealed');
    expect(migrated.output).not.toContain('plain-upstream-secret');
    expect(migrated.code).toBe(0);
    expect(before.open((await stored()).deployments[0]!.upstreamSecret, at.deployment(id))).toBe('plain-upstream-secret');
  });

  it('secrets:rotate re-wraps under SECRETS_KEY with SECRETS_KEY_PREVIOUS, and exits 1 naming what it cannot open', { timeout: 60_000 }, async () => {
    const id = await addDeployment((id) => before.seal('upstream', at.deployment(id)));
    const rotated = await run(['rotate-secrets'], { DATABASE_URL: t.url, SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD });
    expect(rotated.output).toContain(`Secrets now under key ${after.currentKeyId}:\n  deployments.upstream_secret: 1 re-wrapped`);
    expect(rotated.code).toBe(0);
    expect(after.open((await stored()).deployments[0]!.upstreamSecret, at.deployment(id))).toBe('upstream');

    const again = await run(['rotate-secrets'], { DATABASE_URL: t.url, SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD });
    expect(again.output).toContain(`Every stored secret is already under key ${after.currentKeyId}.`);

    // Rotating again without the key in use now: the values cannot be opened, and are left as they are.
    const lost = await run(['rotate-secrets'], { DATABASE_URL: t.url, SECRETS_KEY: 'z'.repeat(40) });
    expect(lost.code).toBe(1);
    expect(lost.output).toContain('SECRETS_KEY_PREVIOUS is not set');
    expect(lost.output).toContain(`cannot decrypt ${at.deployment(id)}: it was sealed with key ${after.currentKeyId}`);
    expect(lost.output).not.toContain('upstream\n');
  });
});
