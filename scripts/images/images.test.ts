import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@gguf/local-services';
import { LABELS } from '@gguf/runtime';
import { TEST_SECRETS_KEY, testEnv } from '@gguf/testkit';
import { buildFakeLlamaServerImage, startTestDocker, type TestDockerDaemon } from '@gguf/testkit/docker';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../lib/ensure-deps.mjs';
import { importBaseImage, NODE_UID } from './base-image';
import { buildImage, imageSize, imageTag, npmSecrets, type NpmSecrets, TARGETS } from './build-images';
import { type ContainerSpec, docker, logsOf, runArgs, waitFor, waitHealthy } from './containers';
import { imageContains } from './image-scan';

/**
 * The production images as an operator gets them: docker/Dockerfile built on a private dockerd
 * from a stand-in for node:20-bookworm-slim (no image registry is reachable), then migrate, web,
 * gateway and worker run as containers on host networking against the test run's Postgres and
 * Redis; the worker drives the same engine through its socket to run the fake llama-server image.
 */
let daemon: TestDockerDaemon;
let root: string;
let secrets: NpmSecrets;
let fakeImage: string;
/** Planted in the build context's .data before the build; no image may hold it. */
const dataCanary = `data-canary-${randomBytes(8).toString('hex')}`;
const canaryDir = join(ROOT, '.data', `image-test-${randomBytes(4).toString('hex')}`);
const sizes: Record<string, number> = {};
let database: { name: string; url: string } | undefined;
const adminToken = `admin-${randomBytes(16).toString('hex')}`;
/** The group the daemon's socket gets, which the worker container joins instead of running as root. */
const DOCKER_GID = 2375;

beforeAll(async () => {
  daemon = await startTestDocker();
  root = await mkdtemp(join(daemon.root, 'n-'));
  await importBaseImage(daemon);
  secrets = await npmSecrets(daemon.root, `npmrc-canary-${randomBytes(8).toString('hex')}`);
  await mkdir(canaryDir, { recursive: true });
  await writeFile(join(canaryDir, 'secrets.json'), JSON.stringify({ adminToken: dataCanary }));
  try {
    // One at a time: the later targets reuse the workspace build from BuildKit's cache.
    for (const target of TARGETS) {
      await buildImage(daemon, target, secrets);
      sizes[target] = await imageSize(daemon, imageTag(target));
    }
  } finally {
    await rm(canaryDir, { recursive: true, force: true });
  }
  console.log(`image sizes: ${Object.entries(sizes).map(([target, bytes]) => `${target} ${(bytes / 1e6).toFixed(0)} MB`).join(', ')}`);
  fakeImage = await buildFakeLlamaServerImage(daemon);
}, 45 * 60_000);

afterAll(async () => {
  await daemon?.stop();
  if (database) await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${database!.name}" WITH (FORCE)`));
});

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testEnv('postgresAdminUrl') });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('production images', { timeout: 10 * 60_000 }, () => {
  it.each(TARGETS)('%s runs as the node user and holds no .data file, secrets.json or npm setting', async (target) => {
    const tag = imageTag(target);
    expect(sizes[target]).toBeGreaterThan(0);
    const script = 'id -u; find / -xdev \\( -name secrets.json -o -name .npmrc -o -path "*/.data/*" -o -name .data \\) -print 2>/dev/null; true';
    const out = await docker(daemon, ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', tag, '-c', script]);
    expect(out.trim()).toBe(String(NODE_UID));
    // Every layer, the configuration and the history: neither the planted .data file nor the npmrc secret.
    expect(await imageContains(daemon, tag, [dataCanary, secrets.canary])).toEqual([]);
  });

  it('migrate, then web, gateway and worker serve an OpenAI SDK call to a deployment created through the REST API', async () => {
    // An empty database: the migrate image creates the schema and the platform admin.
    database = { name: `images_${randomBytes(6).toString('hex')}`, url: '' };
    await withAdmin((client) => client.query(`CREATE DATABASE "${database!.name}"`));
    const url = new URL(testEnv('postgresAdminUrl'));
    url.pathname = `/${database.name}`;
    database.url = url.toString();
    const redis = new URL(testEnv('redisUrl'));
    redis.pathname = '/14';
    const [webPort, gatewayPort, workerPort, serverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const common = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.toString(),
      SECRETS_KEY: TEST_SECRETS_KEY,
      PUBLIC_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      HOST: '127.0.0.1',
    };

    const migrated = await docker(daemon, runArgs({ name: 'migrate', image: imageTag('migrate'), env: { ...common, ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'a-long-admin-password' } }, false), 180_000);
    expect(migrated).toMatch(/Applied \d+ migration/);
    expect(migrated).toContain('Platform admin ops@example.com created.');

    // The worker's store and state at the same paths inside and out, since the servers it starts mount them from the host.
    const store = join(root, 'store');
    await mkdir(join(store, 'models', 'library'), { recursive: true });
    await mkdir(join(store, 'state'), { recursive: true });
    const gguf = Buffer.alloc(64, 0x2a);
    gguf.write('GGUF', 0, 'ascii');
    gguf.writeUInt32LE(3, 4);
    await writeFile(join(store, 'models', 'library', 'tiny-q4_0.gguf'), gguf);
    for (const dir of [store, join(store, 'models'), join(store, 'models', 'library'), join(store, 'state'), join(store, 'models', 'library', 'tiny-q4_0.gguf')]) {
      await chown(dir, NODE_UID, NODE_UID);
    }
    for (const dir of [daemon.root, root]) await chmod(dir, 0o755);
    await chown(daemon.socketPath, 0, DOCKER_GID);

    const apps: ContainerSpec[] = [
      {
        name: 'web',
        image: imageTag('web'),
        env: { ...common, WEB_PORT: String(webPort), ADMIN_TOKEN: adminToken, AUTH_SECRET: randomBytes(24).toString('hex'), PUBLIC_WEB_URL: `http://127.0.0.1:${webPort}` },
      },
      { name: 'gateway', image: imageTag('gateway'), env: { ...common, GATEWAY_PORT: String(gatewayPort) } },
      {
        name: 'worker',
        image: imageTag('worker'),
        env: {
          ...common,
          WORKER_PORT: String(workerPort),
          NODE_NAME: 'image-test-node',
          NODE_GPUS: 'none',
          NODE_PORT_RANGE: `${serverPort}-${serverPort}`,
          MODELS_DIR: join(store, 'models'),
          WORKER_STATE_DIR: join(store, 'state'),
          LLAMA_SERVER_IMAGE: fakeImage,
          LLAMA_SERVER_CPU_IMAGE: fakeImage,
        },
        volumes: [`${daemon.socketPath}:/var/run/docker.sock`, `${store}:${store}`],
        groups: [DOCKER_GID],
      },
    ];
    for (const app of apps) await docker(daemon, runArgs(app, true));
    await Promise.all([waitHealthy(daemon, 'web', webPort), waitHealthy(daemon, 'gateway', gatewayPort), waitHealthy(daemon, 'worker', workerPort)]);
    const worker = JSON.parse(await docker(daemon, ['inspect', 'worker'])) as { Config: { User: string }; HostConfig: { GroupAdd: string[] } }[];
    expect(worker[0]).toMatchObject({ Config: { User: 'node' }, HostConfig: { GroupAdd: [String(DOCKER_GID)] } });

    const web = `http://127.0.0.1:${webPort}/api/v1`;
    const call = async (path: string, token: string, body?: unknown) => {
      const res = await fetch(`${web}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const org = await call('/admin/organizations', adminToken, { name: 'Image Test', max_deployments: 2, max_gpus: 0 });
    expect(org.status).toBe(201);
    const key = await call(`/admin/organizations/${org.body.id as string}/api-keys`, adminToken, { name: 'image-test' });
    expect(key.status).toBe(201);
    const apiKey = key.body.key as string;
    const created = await call('/deployments', apiKey, { name: 'tiny', model: { source: 'local', path: 'tiny-q4_0.gguf' }, gpu: { count: 0 } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.openai_base_url).toBe(`http://127.0.0.1:${gatewayPort}/api/gguf/${id}/v1`);

    await waitFor(
      'the deployment to run',
      async () => {
        const { body } = await call(`/deployments/${id}`, apiKey);
        if (body.status === 'failed') throw new Error(`deployment failed: ${body.status_message as string}`);
        return body.status === 'running' ? body : undefined;
      },
      120_000,
      async () => `${JSON.stringify((await call(`/deployments/${id}`, apiKey)).body)}\n${await logsOf(daemon, 'worker')}`,
    );
    // The server runs on the same engine, started by the worker container through the socket.
    const servers = await docker(daemon, ['ps', '--filter', `label=${LABELS.deploymentId}=${id}`, '--format', '{{.Image}} {{.Status}}']);
    expect(servers).toContain(fakeImage);

    const openai = new OpenAI({ apiKey, baseURL: created.body.openai_base_url as string, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'hello from the images test' }] });
    expect(completion.choices[0]?.message.content).toContain('hello from the images test');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });
});
