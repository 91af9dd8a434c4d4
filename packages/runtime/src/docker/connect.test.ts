import { describe, expect, it } from 'vitest';
import { dockerOptions, isLocalEndpoint } from './connect';

describe('dockerOptions', () => {
  it('reads every endpoint form, leaving nothing to DOCKER_HOST', () => {
    expect(dockerOptions({ url: 'unix:///var/run/docker.sock' })).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined });
    expect(dockerOptions({ url: 'tcp://gpu-1:2375' })).toMatchObject({ host: 'gpu-1', port: 2375, protocol: 'http', socketPath: undefined });
    expect(dockerOptions({ url: 'tcp://gpu-1:2376' })).toMatchObject({ host: 'gpu-1', port: 2376, protocol: 'https' });
    expect(dockerOptions({ url: 'ssh://deploy@gpu-2' })).toMatchObject({ host: 'gpu-2', port: 22, protocol: 'ssh', username: 'deploy' });
  });

  it('refuses what it cannot use', () => {
    expect(() => dockerOptions({ url: 'ftp://x' })).toThrow(/unsupported Docker endpoint/);
    expect(() => dockerOptions({ url: 'not a url' })).toThrow(/not a Docker endpoint/);
  });

  it('tells local engines from remote ones', () => {
    expect(isLocalEndpoint('unix:///var/run/docker.sock')).toBe(true);
    expect(isLocalEndpoint('ssh://a@b')).toBe(false);
  });
});
