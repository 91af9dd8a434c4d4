import { describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../types';
import { type ContainerSettings, containerSpec, DEFAULT_IMAGES } from './container-spec';

const request: LaunchRequest = {
  deploymentId: 'dep_a',
  generation: 2,
  nodeId: 'node_a',
  model: { source: 'local', path: 'qwen/q4.gguf' },
  llamaArgs: {},
  alias: 'q4',
  contextSize: 8192,
  parallel: 4,
  embeddings: false,
  port: 20005,
  gpuIndices: [],
  apiKey: 'sekret',
};
const settings: ContainerSettings = {
  images: DEFAULT_IMAGES,
  modelsDir: '/srv/models',
  networkMode: 'host',
  bindHost: '0.0.0.0',
  env: { HF_TOKEN: 'hf_x' },
  pidsLimit: 1024,
};

describe('containerSpec', () => {
  it('runs CPU-only deployments on the CPU image, without device requests', () => {
    const spec = containerSpec(request, settings);
    expect(spec.Image).toBe('ghcr.io/ggml-org/llama.cpp:server');
    expect(spec.HostConfig?.DeviceRequests).toEqual([]);
    expect(spec.Cmd?.slice(0, 6)).toEqual(['--model', '/models/qwen/q4.gguf', '--host', '0.0.0.0', '--port', '20005']);
    expect(spec.HostConfig?.Memory).toBeUndefined();
    expect(spec.HostConfig?.Ulimits).toBeUndefined();
  });

  it('requests exactly the allocated GPUs on the CUDA image', () => {
    const spec = containerSpec({ ...request, gpuIndices: [0, 2] }, settings);
    expect(spec.Image).toBe('ghcr.io/ggml-org/llama.cpp:server-cuda');
    expect(spec.HostConfig?.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 0, DeviceIDs: ['0', '2'], Capabilities: [['gpu']], Options: {} }]);
  });

  it('drops privileges and keeps secrets in the environment only', () => {
    const spec = containerSpec(request, { ...settings, memoryBytes: 2 ** 30 });
    expect(spec.HostConfig).toMatchObject({ Privileged: false, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'], PidsLimit: 1024, Memory: 2 ** 30, MemorySwap: 2 ** 30 });
    expect(spec.Env).toEqual(expect.arrayContaining(['LLAMA_API_KEY=sekret', 'HF_TOKEN=hf_x', 'LLAMA_CACHE=/models/.cache/llama.cpp']));
    expect(JSON.stringify(spec.Cmd)).not.toContain('sekret');
    expect(JSON.stringify(spec.Labels)).not.toContain('sekret');
  });

  it('publishes the port in bridge mode, llama-server listening on 8080 inside', () => {
    const spec = containerSpec(request, { ...settings, networkMode: 'bridge', bindHost: '10.0.0.5' });
    expect(spec.Cmd).toEqual(expect.arrayContaining(['--host', '0.0.0.0', '--port', '8080']));
    expect(spec.HostConfig?.NetworkMode).toBe('bridge');
    expect(spec.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '10.0.0.5', HostPort: '20005' }] });
  });

  it('allows --mlock by raising the memlock limit only when asked', () => {
    expect(containerSpec({ ...request, llamaArgs: { mlock: true } }, settings).HostConfig?.Ulimits).toEqual([{ Name: 'memlock', Soft: -1, Hard: -1 }]);
  });
});
