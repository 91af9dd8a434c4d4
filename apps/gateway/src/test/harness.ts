import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger, generateApiKey, type Logger, newId, parseEnv, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { gatewayEnv } from '../env';
import type { Database } from '@gguf/db';
import { closeRedis, createRedis, type Redis } from '@gguf/redis';
import { createTestDatabase, TEST_SECRETS_KEY, testEnv, testSecrets } from '@gguf/testkit';
import { type FakeLlamaServer, startFakeLlamaServer } from '@gguf/testkit/fake-llama-server';
import { createGateway, type Gateway } from '../gateway';
import { readyServer } from './servers';

export interface Harness {
  /** Gateway base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  db: Database;
  redis: Redis;
  gateway: Gateway;
  fake: FakeLlamaServer;
  /** The upstream secret the fake was started with. */
  upstreamSecret: string;
  /** A running deployment on the fake, owned by `orgId`, and an unrestricted key of that org. */
  orgId: string;
  deploymentId: string;
  key: string;
  createOrg(limits?: { rateLimitRpm?: number; maxConcurrentStreams?: number }): Promise<string>;
  createKey(orgId: string, options?: { scope?: string[]; expiresAt?: Date }): Promise<{ key: string; id: string; hash: string }>;
  /**
   * upstreamUrl: the address of its one ready server (see servers.ts): by default the harness's fake when it is
   * running, none otherwise; null: no server. modelName defaults to `test-` and the end of the id.
   */
  createDeployment(orgId: string, options?: { status?: 'running' | 'starting' | 'stopped' | 'pending'; upstreamUrl?: string | null; modelName?: string; modelAliases?: string[] }): Promise<string>;
  deploymentUrl(deploymentId?: string): string;
  /** The organization endpoint: `${url}/api/llm`. */
  orgUrl: string;
  /** Another fake llama-server with the same upstream secret (e.g. started with --embeddings or --no-jinja); closed with the harness. */
  startFake(args?: string[]): Promise<FakeLlamaServer>;
  close(): Promise<void>;
}

/**
 * A gateway in this process on a free port, in front of a fake llama-server, with its own fresh database and
 * its own rate-limit key prefix (the Redis is shared by every test file).
 */
export async function startHarness(envOverrides: Record<string, string> = {}, logger: Logger = createLogger('gateway-test', 'silent')): Promise<Harness> {
  const database = await createTestDatabase();
  // A test may bring a Redis of its own (REDIS_URL), e.g. one it stops and restarts.
  const redisUrl = envOverrides.REDIS_URL ?? testEnv('redisUrl');
  const redis = createRedis(redisUrl, 'gateway-test');
  const upstreamSecret = randomBytes(16).toString('hex');
  const startFake: Harness['startFake'] = async (args = []) => {
    // --jinja as deployments that use tools are started; a test wanting a server without it passes --no-jinja.
    const server = await startFakeLlamaServer({ args: ['--api-key', upstreamSecret, '--parallel', '8', '-a', 'fake-model', '--jinja', ...args], env: { FAKE_LLAMA_LOAD_MS: '0' } });
    await server.ready;
    extraFakes.push(server);
    return server;
  };
  const extraFakes: FakeLlamaServer[] = [];
  const fake = await startFake();
  const env = parseEnv('gateway', gatewayEnv, {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    SECRETS_KEY: TEST_SECRETS_KEY,
    GATEWAY_RATE_LIMIT_PREFIX: `test:${randomBytes(6).toString('hex')}`,
    GATEWAY_METER_FLUSH_MS: '100',
    ...envOverrides,
  });
  const gateway = await createGateway({ db: database.db, redis, env, logger });
  gateway.server.listen(0, '127.0.0.1');
  await once(gateway.server, 'listening');
  const url = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  const db = database.db;

  const createOrg: Harness['createOrg'] = async (limits = {}) => {
    const id = newId('organization');
    await db.organization.create({ data: { id, name: id, slug: id.replace('_', '-'), ...limits } });
    return id;
  };
  const createKey: Harness['createKey'] = async (orgId, options = {}) => {
    const { key, prefix, hash } = generateApiKey();
    const id = newId('apiKey');
    await db.apiKey.create({
      data: { id, orgId, name: 'test', prefix, hash, expiresAt: options.expiresAt, allowedModels: options.scope ?? [] },
    });
    return { key, id, hash };
  };
  const createDeployment: Harness['createDeployment'] = async (orgId, options = {}) => {
    const id = newId('deployment');
    // Running means a server is ready (the deployment's status follows its servers'); any other status, none.
    const status = options.status ?? 'running';
    await db.deployment.create({
      data: {
        id,
        orgId,
        name: 'test',
        modelName: options.modelName ?? `test-${id.slice(-8).toLowerCase()}`,
        modelAliases: options.modelAliases ?? [],
        modelSource: 'huggingface',
        modelRepo: 'org/model-GGUF',
        modelFile: 'model.gguf',
        status,
        // Sealed, as the REST API stores it.
        upstreamSecret: testSecrets.seal(upstreamSecret, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, id)),
      },
    });
    const upstreamUrl = options.upstreamUrl === undefined ? (status === 'running' ? fake.url : null) : options.upstreamUrl;
    if (upstreamUrl !== null) await readyServer(db, id, upstreamUrl);
    return id;
  };

  const orgId = await createOrg();
  const deploymentId = await createDeployment(orgId);
  const { key } = await createKey(orgId);
  return {
    url,
    db,
    redis,
    gateway,
    fake,
    upstreamSecret,
    orgId,
    deploymentId,
    key,
    createOrg,
    createKey,
    createDeployment,
    deploymentUrl: (id = deploymentId) => `${url}/api/gguf/${id}`,
    orgUrl: `${url}/api/llm`,
    startFake,
    close: async () => {
      await gateway.close();
      await Promise.all(extraFakes.map((server) => server.close()));
      await closeRedis(redis);
      await database.drop();
    },
  };
}
