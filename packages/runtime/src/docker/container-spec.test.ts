import { describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../types';
import { type ContainerSettings, containerSpec, DEFAULT_IMAGES } from './container-spec';

const request: LaunchRequest = {
  deploymentId: 'dep_a',
  serverId: 'srv_a',
  generation: 2,
  nodeId: 'node_a',
  modelFile: '/srv/models/library/qwen/q4.gguf',
  llamaArgs: {},
  alias: 'q4',
  contextSize: 8192,
  parallel: 4,
  embeddings: false,
  port: 20005,
  gpuIndices: [],
  apiKey: 'sekret',
  cpus: 2,
};
const settings: ContainerSettings = {
  images: DEFAULT_IMAGES,
  networkMode: 'none',
  bindHost: '0.0.0.0',
  user: '65534:65534',
  env: { GGML_CUDA_ENABLE_UNIFIED_MEMORY: '1' },
  pidsLimit: 1024,
};
const mounts = { modelFile: request.modelFile, runDir: '/srv/worker/run/gguf-dep_a-g2' };

describe('containerSpec', () => {
  it('runs CPU-only deployments on the CPU image, without device requests, serving on a Unix socket without a network', () => {
    const spec = containerSpec(request, settings, mounts);
    expect(spec.Image).toBe('ghcr.io/ggml-org/llama.cpp:server');
    expect(spec.HostConfig?.DeviceRequests).toEqual([]);
    expect(spec.HostConfig?.NetworkMode).toBe('none');
    expect(spec.Cmd?.slice(0, 6)).toEqual(['--model', '/models/q4.gguf', '--host', '/run/llama/llama.sock', '--api-key-file', '/run/llama/api-key']);
    expect(spec.Cmd).not.toContain('--port');
    expect(spec.HostConfig?.Memory).toBeUndefined();
    expect(spec.HostConfig?.Ulimits).toBeUndefined();
  });

  it('requests exactly the allocated GPUs on the CUDA image', () => {
    const spec = containerSpec({ ...request, gpuIndices: [0, 2] }, settings, mounts);
    expect(spec.Image).toBe('ghcr.io/ggml-org/llama.cpp:server-cuda');
    expect(spec.HostConfig?.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 0, DeviceIDs: ['0', '2'], Capabilities: [['gpu']], Options: {} }]);
  });

  it('is sealed: a non-root user without privileges, a read-only file system, only the model (read-only) and its own directory mounted, limits', () => {
    const spec = containerSpec(request, { ...settings, memoryBytes: 2 ** 30 }, mounts);
    expect(spec.User).toBe('65534:65534');
    expect(spec.HostConfig).toMatchObject({
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      PidsLimit: 1024,
      NanoCpus: 2e9,
      Memory: 2 ** 30,
      MemorySwap: 2 ** 30,
    });
    expect(spec.HostConfig?.Binds).toEqual(['/srv/models/library/qwen/q4.gguf:/models/q4.gguf:ro', '/srv/worker/run/gguf-dep_a-g2:/run/llama:rw']);
    expect(Object.keys(spec.HostConfig?.Tmpfs ?? {})).toEqual(['/tmp']);
  });

  it('never carries a secret: the key is in a file, the environment holds pass-through variables only', () => {
    const spec = containerSpec(request, settings, mounts);
    expect(spec.Env).toEqual(['GGML_CUDA_ENABLE_UNIFIED_MEMORY=1']);
    expect(JSON.stringify(spec)).not.toContain('sekret');
  });

  it('binds the port on the host in host mode, and publishes it in bridge mode with llama-server on 8080 inside', () => {
    expect(containerSpec(request, { ...settings, networkMode: 'host', bindHost: '127.0.0.1' }, mounts).Cmd).toEqual(
      expect.arrayContaining(['--host', '127.0.0.1', '--port', '20005']),
    );
    const spec = containerSpec(request, { ...settings, networkMode: 'bridge', bindHost: '10.0.0.5' }, mounts);
    expect(spec.Cmd).toEqual(expect.arrayContaining(['--host', '0.0.0.0', '--port', '8080']));
    expect(spec.HostConfig?.NetworkMode).toBe('bridge');
    expect(spec.HostConfig?.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '10.0.0.5', HostPort: '20005' }] });
  });

  it('allows --mlock by raising the memlock limit only when asked', () => {
    expect(containerSpec({ ...request, llamaArgs: { mlock: true } }, settings, mounts).HostConfig?.Ulimits).toEqual([{ Name: 'memlock', Soft: -1, Hard: -1 }]);
  });
});
