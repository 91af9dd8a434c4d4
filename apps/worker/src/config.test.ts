import { parseEnv, workerEnv } from '@gguf/core';
import { describe, expect, it } from 'vitest';
import { setupFromEnv } from './config';

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', SECRETS_KEY: 'k'.repeat(32), DATA_DIR: '/tmp/gguf-config-test' };

describe('worker configuration', () => {
  it('applies defaults: process runtime when asked, models and state under DATA_DIR, loopback binding', async () => {
    const env = parseEnv('worker', workerEnv, { ...base, RUNTIME: 'process', NODE_GPUS: 'none', NODE_NAME: 'laptop' });
    expect(env).toMatchObject({ NODE_ADDRESS: '127.0.0.1', NODE_PORT_RANGE: [20000, 20999], NODE_CPU_SLOTS: 4, RECONCILE_INTERVAL_MS: 5000 });
    const setup = await setupFromEnv(env, {});
    expect(setup.node).toMatchObject({ name: 'laptop', runtimeKind: 'process', address: '127.0.0.1', gpus: [], portRange: [20000, 20999] });
    expect(setup.runtime('node_x').kind).toBe('process');
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
    expect(setup.runtime('node_x').description).toBe('docker tcp://gpu-1:2375');
  });

  it('picks the process runtime when no Docker engine answers', async () => {
    const env = parseEnv('worker', workerEnv, { ...base, DOCKER_HOST: 'unix:///nonexistent/docker.sock', NODE_GPUS: 'none' });
    const setup = await setupFromEnv(env, {});
    expect(setup.node.runtimeKind).toBe('process');
    expect(setup.notes[0]).toMatch(/^RUNTIME=auto: no Docker engine answers at unix:\/\/\/nonexistent\/docker.sock/);
  });

  it('explains a malformed port range', () => {
    expect(() => parseEnv('worker', workerEnv, { ...base, NODE_PORT_RANGE: '9000-8000' })).toThrow('NODE_PORT_RANGE: must be a range of ports, low-high, within 1-65535');
    expect(() => parseEnv('worker', workerEnv, { ...base, NODE_PORT_RANGE: 'lots' })).toThrow('NODE_PORT_RANGE: must be a range like 20000-20999');
  });
});
