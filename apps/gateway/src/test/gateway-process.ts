import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@gguf/local-services';
import { TEST_SECRETS_KEY } from '@gguf/testkit';
import type { GatewayEnv } from '../env';
import { eventually } from './eventually';

const ROOT = join(import.meta.dirname, '../../../..');

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** What it wrote to stdout and stderr so far. */
  output: () => string;
}

/**
 * A gateway as its own process (`main.ts`, as `npm start` runs the bundle), on the harness's
 * Postgres, Redis and Redis key prefix, for tests that kill one: resolves once it answers /healthz.
 */
export async function startGatewayProcess(env: GatewayEnv, settings: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      SECRETS_KEY: TEST_SECRETS_KEY,
      GATEWAY_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      GATEWAY_RATE_LIMIT_PREFIX: env.GATEWAY_RATE_LIMIT_PREFIX,
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) === 200, 60_000);
  return { url, child, output: () => output };
}
