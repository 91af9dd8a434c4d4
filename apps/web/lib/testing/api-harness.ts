import { createOrganization, createOrganizationApiKey, type CreateOrganizationInput, startSession } from '@gguf/api';
import { createTestDeps } from '@gguf/api/testing';
import { newId, parseEnv } from '@gguf/core';
import type { Prisma } from '@gguf/db';
import { webEnv } from '../server/env';
import { TEST_SECRETS_KEY, testEnv } from '@gguf/testkit';
import { encode } from 'next-auth/jwt';
import { type ServerContext, setServerContextForTests } from '../server/context';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const AUTH_SECRET = 'test-auth-secret-0123456789abcdef0123456789';
export const GATEWAY_URL = 'http://gateway.test:3001';
export const WEB_URL = 'http://localhost:3000';

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  params?: Record<string, string>;
  query?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Parsed JSON; tests index into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * The real route handlers on a fresh migrated Postgres database, the test Redis and a BullMQ queue
 * under a prefix of its own (so no worker elsewhere picks the jobs up and the test can read them).
 */
export async function createApiHarness(envOverrides: Record<string, string> = {}) {
  const { deps, db, databaseUrl, redis, queue, logger, system, close: closeDeps } = await createTestDeps(GATEWAY_URL);
  const env = parseEnv('web', webEnv, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: testEnv('redisUrl'),
    ADMIN_TOKEN,
    AUTH_SECRET,
    SECRETS_KEY: TEST_SECRETS_KEY,
    PUBLIC_GATEWAY_URL: GATEWAY_URL,
    PUBLIC_WEB_URL: WEB_URL,
    // Out of the way: test files share one Redis (and the admin token's counter); the limit has its own test.
    API_RATE_LIMIT_RPM: '1000000',
    // Likewise the front door's throttles: requests made here carry no client address, so they all share one.
    API_AUTH_FAILURES_PER_ADDRESS: '1000000',
    AUTH_RATE_LIMIT_PER_ADDRESS: '1000000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
    ...envOverrides,
  });
  const context: ServerContext = { env, db, redis, logger, deps };
  setServerContextForTests(context);

  async function call(handler: RouteHandler, path: string, options: CallOptions = {}): Promise<CallResult> {
    const url = new URL(path, WEB_URL);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers = new Headers(options.headers);
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const response = await handler(new Request(url, { method: options.method ?? 'GET', headers, body }), { params: Promise.resolve(options.params ?? {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseJson(text) };
  }

  /** An organization with one unrestricted key, made through the domain functions. */
  async function createTenant(input: Partial<CreateOrganizationInput> = {}) {
    const org = await createOrganization(context.deps, system, { name: input.name ?? 'Tenant', ...input });
    const { key, id: apiKeyId } = await createOrganizationApiKey(context.deps, system, org.id, { name: 'bootstrap' });
    return { orgId: org.id, key, apiKeyId, auth: { authorization: `Bearer ${key}` } };
  }

  /**
   * A dashboard session cookie for a user, as a sign-in makes it: a sessions row, and the token
   * signed like next-auth signs it. `claimsAdmin` puts a platform-admin claim in the token, which
   * nothing may trust.
   */
  async function sessionCookie(userId: string, claimsAdmin = false): Promise<string> {
    const sid = await startSession(db, userId, 3600);
    const token = await encode({ token: { sub: userId, sid, isPlatformAdmin: claimsAdmin }, secret: AUTH_SECRET });
    return `next-auth.session-token=${token}`;
  }

  /**
   * What the worker would do: a node (a new process node unless one is named) and a server of the
   * deployment on it, at its current generation. `server` sets the rest (status, readyAt…).
   */
  async function placeServer(deploymentId: string, options: { nodeId?: string; nodeName?: string; port?: number; server?: Partial<Prisma.ServerUncheckedCreateInput> } = {}) {
    const nodeId = options.nodeId ?? newId('node');
    if (!options.nodeId) await db.node.create({ data: { id: nodeId, name: options.nodeName ?? nodeId, runtimeKind: 'process', address: '127.0.0.1' } });
    const { generation } = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { generation: true } });
    const port = options.port ?? 20000 + (await db.server.count({ where: { nodeId } }));
    return db.server.create({ data: { id: newId('server'), deploymentId, generation, nodeId, port, ...options.server } });
  }

  async function jobsFor(deploymentId: string) {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    return jobs.filter((job) => job.data.deploymentId === deploymentId).map((job) => ({ id: job.id, ...job.data }));
  }

  async function close(): Promise<void> {
    await closeDeps();
    setServerContextForTests(undefined);
  }

  return { db, redis, queue, context, system, call, createTenant, sessionCookie, placeServer, jobsFor, close };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type ApiHarness = Awaited<ReturnType<typeof createApiHarness>>;
