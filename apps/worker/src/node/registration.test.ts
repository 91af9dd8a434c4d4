import { parseEnv } from '@gguf/core';
import { workerEnv } from '../env';
import { describe, expect, it } from 'vitest';
import { type NodeRegistration, withRegistration } from './registration';

const source = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', SECRETS_KEY: 'k'.repeat(32), NODE_NAME: 'gpu-7' };
const remote: NodeRegistration = {
  dockerEndpoint: 'tcp://10.0.0.7:2376',
  dockerTls: { ca: 'CA', cert: 'CERT', key: 'KEY' },
  address: '10.0.0.7',
  networkMode: 'bridge',
  portRange: [30000, 30099],
  cpuSlots: 2,
  gpus: [{ index: 0, type: 'NVIDIA L4', memoryMb: 23034 }],
};

describe('withRegistration', () => {
  it('takes a registered remote engine and every setting the environment leaves unset', () => {
    const env = parseEnv('worker', workerEnv, source);
    const settings = withRegistration(env, source, remote);
    expect(settings.env).toMatchObject({ DOCKER_HOST: 'tcp://10.0.0.7:2376', RUNTIME: 'docker', NODE_ADDRESS: '10.0.0.7', NODE_NETWORK_MODE: 'bridge', NODE_PORT_RANGE: [30000, 30099], NODE_CPU_SLOTS: 2 });
    expect(settings.dockerTls).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY' });
    expect(settings.gpus).toEqual(remote.gpus);
    expect(settings.notes[0]).toContain('Docker endpoint, address, network mode, port range, CPU slots, GPUs');
  });

  it('lets the environment win where it says something', () => {
    const given = { ...source, NODE_ADDRESS: 'gpu-7.internal', NODE_CPU_SLOTS: '8', NODE_GPUS: 'none' };
    const settings = withRegistration(parseEnv('worker', workerEnv, given), given, remote);
    expect(settings.env).toMatchObject({ DOCKER_HOST: 'tcp://10.0.0.7:2376', NODE_ADDRESS: 'gpu-7.internal', NODE_CPU_SLOTS: 8 });
    expect(settings.gpus).toBeUndefined();
  });

  it('leaves a worker with its own DOCKER_HOST, and local nodes, to their environment', () => {
    const own = { ...source, DOCKER_HOST: 'ssh://deploy@gpu-7' };
    expect(withRegistration(parseEnv('worker', workerEnv, own), own, remote)).toMatchObject({ env: { DOCKER_HOST: 'ssh://deploy@gpu-7', NODE_ADDRESS: '127.0.0.1' }, notes: [] });
    const env = parseEnv('worker', workerEnv, source);
    const local = { ...remote, dockerEndpoint: 'unix:///var/run/docker.sock' };
    expect(withRegistration(env, source, local)).toEqual({ env, notes: [] });
    expect(withRegistration(env, source, { ...remote, dockerEndpoint: null })).toEqual({ env, notes: [] });
  });
});
