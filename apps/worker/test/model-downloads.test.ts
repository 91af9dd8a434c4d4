import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllowedHosts, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { hfTokenForOrganization } from '@gguf/db';
import { ProcessRuntime } from '@gguf/runtime';
import { createTestDatabase, type TestDatabase, testSecrets } from '@gguf/testkit';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';
import { type FakeHub, fakeFileBytes, fakeGgufFile, fakeHtmlFile, fakeResolver, guardLoopbackOnly, type LoopbackGuard, startFakeHub } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerHandle } from '../src/worker';
import { Api, createDeployment, createOrg, describeDeployment, nodeSettings, startTestWorker, testModelStore, testRedisUrl, traversable, waitFor, waitForStatus } from './helpers';

/**
 * The worker downloading models, end to end: a fake Hugging Face hub and URL server over HTTPS on
 * loopback (allowed by MODEL_URL_ALLOWED_HOSTS, as an operator allows an internal mirror), names
 * resolved by a test resolver, every connection of this process watched so none leaves loopback.
 */
let t: TestDatabase;
let redisUrl: string;
let root: string;
let modelsDir: string;
let api: Api;
let hub: FakeHub;
let guard: LoopbackGuard;
let worker: WorkerHandle;
const resolver = fakeResolver({ 'evil.test': ['10.0.0.1'], 'metadata.test': ['169.254.169.254'], 'sneaky.test': ['127.0.0.1', '192.168.0.10'] });
const PLATFORM_TOKEN = 'hf_platform_token';
const MAX_BYTES = 8 * 1024 * 1024;

beforeAll(async () => {
  guard = guardLoopbackOnly();
  t = await createTestDatabase();
  redisUrl = await testRedisUrl(13);
  root = await traversable(await mkdtemp(join(tmpdir(), 'gguf-dl-')));
  modelsDir = join(root, 'models');
  hub = await startFakeHub();
  api = new Api(t.db, redisUrl);
  const stateDir = join(root, 'state');
  const binary = await fakeLlamaServerExecutable(join(root, 'bin'));
  worker = await startTestWorker({
    db: t.db,
    redisUrl,
    node: nodeSettings({ name: 'download-node', cpuSlots: 16 }),
    models: await testModelStore(modelsDir, stateDir, {
      hfEndpoint: hub.endpoint,
      allow: parseAllowedHosts('127.0.0.1'),
      maxBytes: MAX_BYTES,
      resolve: resolver.resolve,
      ca: hub.ca,
      hfToken: (orgId) => hfTokenForOrganization(t.db, testSecrets, orgId, PLATFORM_TOKEN),
    }),
    runtime: (nodeId) =>
      new ProcessRuntime({ nodeId, binary, stateDir, bindHost: '127.0.0.1', env: { FAKE_LLAMA_LOAD_MS: '100' }, serverUser: process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined }),
  });
});

afterAll(async () => {
  await worker?.stop();
  for (const s of (await worker?.runtime.list().catch(() => [])) ?? []) await worker.runtime.remove(s.handle).catch(() => undefined);
  await api?.close();
  await hub?.close();
  await t?.drop();
  guard?.restore();
  await rm(root, { recursive: true, force: true });
});

const sha256 = async (file: Parameters<typeof fakeFileBytes>[0]) => createHash('sha256').update(await fakeFileBytes(file)).digest('hex');
const hfModel = (repo: string, file: string) => ({ modelSource: 'huggingface' as const, modelPath: null, modelRepo: repo, modelFile: file });
const urlModel = (url: string) => ({ modelSource: 'url' as const, modelPath: null, modelUrl: url });

describe('model downloads: Hugging Face', () => {
  it("downloads into the organization's cache, showing bytes and percent while pulling, and records the file's SHA-256", async () => {
    const orgId = await createOrg(t.db);
    const file = fakeGgufFile('qwen', 3 * 1024 * 1024);
    hub.addRepoFile('acme/tiny-GGUF', 'tiny-q4_0.gguf', file);
    // Half way through, the hub waits: the deployment is seen pulling, with its progress.
    hub.fault(file, { pauseAfter: 1024 * 1024, pauseMs: 2_500 });
    const row = await createDeployment(t.db, orgId, hfModel('acme/tiny-GGUF', 'tiny-q4_0.gguf'));
    await api.sync(row.id);
    const pulling = await waitFor('download progress', async () => {
      const r = await t.db.deployment.findUnique({ where: { id: row.id } });
      return r?.status === 'pulling' && (r.pullBytes ?? 0n) > 0n ? r : undefined;
    });
    expect(pulling.pullTotalBytes).toBe(BigInt(file.size));
    expect(pulling.statusMessage).toMatch(/^downloading tiny-q4_0\.gguf: [\d.]+ (KiB|MiB) of 3 MiB \(\d+%\)$/);

    const running = await waitForStatus(t.db, row.id, 'running', 20_000);
    expect(running).toMatchObject({ modelSha256: await sha256(file), modelBytes: BigInt(file.size), pullBytes: null, pullTotalBytes: null });
    const cached = join(modelsDir, 'orgs', orgId, 'hf', 'acme/tiny-GGUF', 'main', 'tiny-q4_0.gguf');
    expect(createHash('sha256').update(await readFile(cached)).digest('hex')).toBe(running.modelSha256);
    const moves = await t.db.deploymentEvent.findMany({ where: { deploymentId: row.id, type: 'status' }, orderBy: { id: 'asc' } });
    expect(moves.map((e) => `${e.fromStatus}→${e.toStatus}`)).toEqual(['pending→scheduling', 'scheduling→pulling', 'pulling→starting', 'starting→running']);
    const downloaded = await t.db.deploymentEvent.findFirstOrThrow({ where: { deploymentId: row.id, type: 'download', message: { startsWith: 'downloaded' } } });
    expect(downloaded.data).toMatchObject({ sha256: running.modelSha256, bytes: file.size });

    // A second deployment of the same file in the same organization uses the cache: no second download.
    const before = hub.requests.length;
    const again = await createDeployment(t.db, orgId, hfModel('acme/tiny-GGUF', 'tiny-q4_0.gguf'));
    await api.sync(again.id);
    await waitForStatus(t.db, again.id, 'running');
    expect(hub.requests.length).toBe(before);
    // Another organization gets a download of its own, in a directory of its own.
    const other = await createOrg(t.db);
    const theirs = await createDeployment(t.db, other, hfModel('acme/tiny-GGUF', 'tiny-q4_0.gguf'));
    await api.sync(theirs.id);
    await waitForStatus(t.db, theirs.id, 'running');
    expect(existsSync(join(modelsDir, 'orgs', other, 'hf', 'acme/tiny-GGUF', 'main', 'tiny-q4_0.gguf'))).toBe(true);
    expect(hub.requests.length).toBeGreaterThan(before);
  });

  it('resumes a download cut off half way with a Range request for the rest only', async () => {
    const orgId = await createOrg(t.db);
    const file = fakeGgufFile('cut', 2 * 1024 * 1024);
    hub.addRepoFile('acme/cut-GGUF', 'cut.gguf', file);
    hub.fault(file, { cutAfter: 700 * 1024 });
    const row = await createDeployment(t.db, orgId, hfModel('acme/cut-GGUF', 'cut.gguf'));
    const before = hub.requests.length;
    await api.sync(row.id);
    const running = await waitForStatus(t.db, row.id, 'running', 20_000);
    expect(running.modelSha256).toBe(await sha256(file));
    const served = hub.requests.slice(before).filter((r) => r.host.startsWith('cdn.test'));
    const resumed = served.find((r) => r.range?.startsWith('bytes=') && r.range !== 'bytes=0-');
    expect(resumed, JSON.stringify(served)).toBeDefined();
    expect(served.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(file.size + 700 * 1024);
  });

  it("uses the organization's own token for a gated repository, and the platform's only where an admin allowed it", async () => {
    hub.addRepoFile('gated/own-GGUF', 'own.gguf', fakeGgufFile('own', 64 * 1024));
    hub.gateRepo('gated/own-GGUF', 'hf_their_own');
    hub.addRepoFile('gated/platform-GGUF', 'p.gguf', fakeGgufFile('platform', 64 * 1024));
    hub.gateRepo('gated/platform-GGUF', PLATFORM_TOKEN);

    const owner = await createOrg(t.db);
    await t.db.organization.update({ where: { id: owner }, data: { hfTokenSecret: testSecrets.seal('hf_their_own', secretLocation(SECRET_COLUMNS.organizationHfToken, owner)) } });
    const allowed = await createOrg(t.db);
    await t.db.organization.update({ where: { id: allowed }, data: { platformHfToken: true } });
    const stranger = await createOrg(t.db);

    const own = await createDeployment(t.db, owner, hfModel('gated/own-GGUF', 'own.gguf'));
    const platform = await createDeployment(t.db, allowed, hfModel('gated/platform-GGUF', 'p.gguf'));
    const refused = await createDeployment(t.db, stranger, hfModel('gated/platform-GGUF', 'p.gguf'));
    const borrowed = await createDeployment(t.db, stranger, hfModel('gated/own-GGUF', 'own.gguf'));
    await Promise.all([own, platform, refused, borrowed].map((d) => api.sync(d.id)));
    await waitForStatus(t.db, own.id, 'running', 20_000);
    await waitForStatus(t.db, platform.id, 'running', 20_000);
    expect((await waitForStatus(t.db, refused.id, 'failed', 20_000)).statusMessage).toMatch(/^download failed: the server answered 401/);
    expect((await waitForStatus(t.db, borrowed.id, 'failed', 20_000)).statusMessage).toMatch(/^download failed: the server answered 401/);
    // The token went to the hub only, never to the CDN it redirects to.
    expect(hub.requests.filter((r) => r.host.startsWith('cdn.test') && r.authorization)).toEqual([]);
  });
});

describe('model downloads: refusals', () => {
  it('refuses a file that is not GGUF and one over MODEL_MAX_BYTES, keeping nothing of them', async () => {
    const orgId = await createOrg(t.db);
    hub.addUrlFile('/pages/not-a-model.gguf', fakeHtmlFile('html', 4096));
    hub.addUrlFile('/big/huge.gguf', fakeGgufFile('huge', MAX_BYTES + 1));
    const html = await createDeployment(t.db, orgId, urlModel(hub.url('models.test', '/pages/not-a-model.gguf')));
    const huge = await createDeployment(t.db, orgId, urlModel(hub.url('models.test', '/big/huge.gguf')));
    await Promise.all([api.sync(html.id), api.sync(huge.id)]);
    expect((await waitForStatus(t.db, html.id, 'failed', 20_000)).statusMessage).toBe('download refused: not a GGUF file');
    expect((await waitForStatus(t.db, huge.id, 'failed', 20_000)).statusMessage).toBe('download refused: the file is larger than the 8 MiB limit');
    const cache = join(modelsDir, 'orgs', orgId, 'url');
    const leftovers = existsSync(cache) ? (await import('node:fs/promises').then((fs) => fs.readdir(cache, { recursive: true }))).filter((name) => String(name).endsWith('.gguf') || String(name).endsWith('.part')) : [];
    expect(leftovers).toEqual([]);
  });

  it('refuses, before connecting, names that resolve to forbidden addresses and redirects into the node\'s network, with one message', async () => {
    const orgId = await createOrg(t.db);
    hub.redirect('/go/metadata.gguf', 'https://metadata.test/latest/meta-data.gguf');
    hub.redirect('/go/plain.gguf', `http://models.test:${hub.port}/x.gguf`);
    const urls = [
      'https://evil.test/model.gguf',
      'https://sneaky.test/model.gguf',
      hub.url('models.test', '/go/metadata.gguf'),
      hub.url('models.test', '/go/plain.gguf'),
      // Written straight into the row (the API refuses it): the worker checks again.
      'https://169.254.169.254/latest/model.gguf',
    ];
    const rows = await Promise.all(urls.map((url) => createDeployment(t.db, orgId, urlModel(url))));
    const connectionsBefore = guard.attempts.length;
    await Promise.all(rows.map((row) => api.sync(row.id)));
    for (const row of rows) {
      const failed = await waitForStatus(t.db, row.id, 'failed', 20_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await describeDeployment(t.db, row.id)}`);
      });
      expect(failed.statusMessage).toMatch(/^download refused: /);
      expect(failed.statusMessage).not.toMatch(/10\.0\.0\.1|169\.254|192\.168|metadata|ECONNREFUSED|port/);
    }
    // Only loopback was ever dialled, and never a forbidden address.
    expect(guard.attempts.slice(connectionsBefore).filter((a) => a.refused)).toEqual([]);
    expect(resolver.calls).toEqual(expect.arrayContaining(['evil.test', 'sneaky.test', 'metadata.test']));
  });
});
