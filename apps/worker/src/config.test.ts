import { parseEnv } from '@gguf/core';
import { describe, expect, it } from 'vitest';
import { setupFromEnv } from './config';
import { DEFAULT_TIMING, workerEnv } from './env';

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', SECRETS_KEY: 'k'.repeat(32), DATA_DIR: '/tmp/gguf-config-test' };

describe('worker configuration', () => {
  it('applies defaults: process runtime when asked, models and state under DATA_DIR, loopback binding', async () => {
    const env = parseEnv('worker', workerEnv, { ...base, RUNTIME: 'process', NODE_GPUS: 'none', NODE_NAME: 'laptop' });
    expect(env).toMatchObject({ WORKER_PORT: 3002, NODE_ADDRESS: '127.0.0.1', NODE_PORT_RANGE: [20000, 20999], NODE_CPU_SLOTS: 4, RECONCILE_INTERVAL_MS: 5000 });
    const setup = await setupFromEnv(env, {});
    // A worker started without an environment (tests) runs with the same timing as one whose environment sets none.
    expect(setup.timing).toEqual(DEFAULT_TIMING);
    await expect(setupFromEnv(parseEnv('worker', workerEnv, { ...base, RUNTIME: 'process', NODE_GPUS: 'none', RESTART_BACKOFF_MS: '50' }), {})).resolves.toMatchObject({ timing: { restartBackoffMs: 50 } });
    expect(setup.node).toMatchObject({ name: 'laptop', runtimeKind: 'process', address: '127.0.0.1', gpus: [], portRange: [20000, 20999] });
    expect(setup.runtime('node_x').kind).toBe('process');
    // Said at every start: plain processes do not keep tenants apart.
    expect(setup.warnings).toEqual([expect.stringMatching(/^the process runtime does not isolate tenants/)]);
  });

  it('runs Docker servers sealed by default, and warns when a node lets them reach networks', async () => {
    const sealed = await setupFromEnv(parseEnv('worker', workerEnv, { ...base, NODE_GPUS: 'none' }), {});
    expect(sealed.node).toMatchObject({ runtimeKind: 'docker', networkMode: 'none' });
    expect(sealed.warnings).toEqual([]);
    const open = await setupFromEnv(parseEnv('worker', workerEnv, { ...base, NODE_GPUS: 'none', NODE_NETWORK_MODE: 'host' }), {});
    expect(open.warnings).toEqual([expect.stringMatching(/^NODE_NETWORK_MODE=host: servers can reach networks/)]);
  });

  it('never passes llama-server options or its key through the environment', () => {
    for (const name of ['LLAMA_ARG_MODEL', 'llama_arg_host', 'LLAMA_API_KEY']) {
      expect(() => parseEnv('worker', workerEnv, { ...base, SERVER_ENV_PASSTHROUGH: `GGML_X,${name}` })).toThrow(/SERVER_ENV_PASSTHROUGH: must not name LLAMA_ARG_\* or LLAMA_API_KEY/);
    }
  });

  it('declares GPUs and passes only chosen variables to llama-server', async () => {
    const env = parseEnv('worker', workerEnv, {
      ...base,
      RUNTIME: 'docker',
      DOCKER_HOST: 'tcp://gpu-1:2375',
      NODE_GPUS: '0:NVIDIA L4:23034',
      NODE_ADDRESS: '10.0.0.7',
      SERVER_ENV_PASSTHROUGH: 'GGML_X, MISSING',
    });
    const setup = await setupFromEnv(env, { GGML_X: '1', DATABASE_URL: 'secret' });
    expect(setup.node).toMatchObject({ runtimeKind: 'docker', dockerEndpoint: 'tcp://gpu-1:2375', gpus: [{ index: 0, type: 'NVIDIA L4', memoryMb: 23034 }] });
    expect(setup.runtime('node_x').description).toBe('docker tcp://gpu-1:2375 (network none)');
  });

  it('falls back to the process runtime with RUNTIME=auto (npm start) when no Docker engine answers, and says so as a warning', async () => {
    const env = parseEnv('worker', workerEnv, { ...base, RUNTIME: 'auto', DOCKER_HOST: 'unix:///nonexistent/docker.sock', NODE_GPUS: 'none' });
    const setup = await setupFromEnv(env, {});
    expect(setup.node.runtimeKind).toBe('process');
    expect(setup.warnings[0]).toMatch(/^RUNTIME=auto: no Docker engine answers at unix:\/\/\/nonexistent\/docker.sock .*; falling back to the process runtime$/);
    expect(setup.warnings[1]).toMatch(/^the process runtime does not isolate tenants/);
  });

  it('explains a malformed port range', () => {
    expect(() => parseEnv('worker', workerEnv, { ...base, NODE_PORT_RANGE: '9000-8000' })).toThrow('NODE_PORT_RANGE: must be a range of ports, low-high, within 1-65535');
    expect(() => parseEnv('worker', workerEnv, { ...base, NODE_PORT_RANGE: 'lots' })).toThrow('NODE_PORT_RANGE: must be a range like 20000-20999');
  });
});
