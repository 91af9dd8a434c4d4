import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '@gguf/local-services';
import { fakeLlamaServerExecutable } from '@gguf/testkit/docker';

export const ROOT = resolve(import.meta.dirname, '../../../..');
const READY_LINE = 'Press Ctrl-C to stop.';
/** npm start builds all three apps on a cold checkout before it prints the ready line. */
const START_TIMEOUT_MS = 420_000;

export interface RunningProduct {
  webUrl: string;
  gatewayUrl: string;
  adminEmail: string;
  adminPassword: string;
  nodeName: string;
  output: () => string;
  stop: () => Promise<void>;
}

export interface ProductOptions {
  /** More environment for every app (e.g. where the worker downloads models from). */
  env?: Record<string, string>;
  /** Files of the node's model library (MODELS_DIR/library), by path inside it. */
  library?: Record<string, Uint8Array>;
}

/**
 * The whole product started the way the README does (`node scripts/start.mjs`), with its own
 * PostgreSQL, Redis and data directory, and a worker that runs deployments as processes of the
 * test kit's fake llama-server on two declared fake GPUs.
 */
export async function startProduct(options: ProductOptions = {}): Promise<RunningProduct> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gguf-e2e-'));
  await chmod(dataDir, 0o755);
  const modelsDir = join(dataDir, 'models');
  await mkdir(modelsDir, { recursive: true });
  for (const [path, content] of Object.entries(options.library ?? {})) {
    const file = join(modelsDir, 'library', path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  // Built before start: the worker runs servers as nobody, who may not (re)build the test kit's bundle in the checkout.
  const llamaServer = await fakeLlamaServerExecutable(join(dataDir, 'bin'));
  const [web, gateway, worker, postgres, redis, serverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const { DATABASE_URL: _d, REDIS_URL: _r, ADMIN_PASSWORD: _p, ADMIN_TOKEN: _t, ...inherited } = process.env;
  const product = {
    webUrl: `http://127.0.0.1:${web}`,
    gatewayUrl: `http://127.0.0.1:${gateway}`,
    adminEmail: 'ops@example.com',
    adminPassword: 'operator-password-e2e',
    nodeName: 'e2e-gpu-node',
  };
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    WEB_PORT: String(web),
    GATEWAY_PORT: String(gateway),
    WORKER_PORT: String(worker),
    LOCAL_POSTGRES_PORT: String(postgres),
    LOCAL_REDIS_PORT: String(redis),
    PUBLIC_WEB_URL: product.webUrl,
    PUBLIC_GATEWAY_URL: product.gatewayUrl,
    ADMIN_EMAIL: product.adminEmail,
    // The journey starts with a tenant signing up on the page, which the default (invite) hides.
    SIGNUP_MODE: 'open',
    ADMIN_PASSWORD: product.adminPassword,
    RUNTIME: 'process',
    LLAMA_SERVER_BIN: llamaServer,
    NODE_NAME: product.nodeName,
    NODE_GPUS: '0:NVIDIA L4:23034,1:NVIDIA L4:23034',
    NODE_PORT_RANGE: `${serverPort}-${serverPort}`,
    MODELS_DIR: modelsDir,
    ...options.env,
  };
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(child, () => output, START_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    await stop();
    throw error;
  }
  return { ...product, output: () => output, stop };
}

async function waitForOutput(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(READY_LINE)) {
    if (child.exitCode !== null) throw new Error(`npm start exited before it was ready:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready within ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
