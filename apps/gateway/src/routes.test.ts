import { newId } from '@gguf/core';
import { describe, expect, it } from 'vitest';
import { presentedKey } from './auth/credentials';
import { parseTarget } from './routes';

const id = newId('deployment');

describe('parseTarget', () => {
  it('maps a deployment route to its upstream path, keeping the query string', () => {
    expect(parseTarget('POST', `/api/gguf/${id}/v1/messages?beta=true`)).toMatchObject({ kind: 'route', deploymentId: id, upstreamPath: '/v1/messages?beta=true', route: { name: 'messages', protocol: 'anthropic' } });
    expect(parseTarget('GET', `/api/gguf/${id}/health`)).toMatchObject({ kind: 'route', upstreamPath: '/health' });
    expect(parseTarget('POST', `/api/gguf/${id}/v1/chat/completions/`)).toMatchObject({ kind: 'route', upstreamPath: '/v1/chat/completions' });
  });

  it('refuses malformed ids, unknown paths and wrong methods in the right protocol', () => {
    expect(parseTarget('GET', '/api/gguf/dep_x/v1/models')).toEqual({ kind: 'bad-deployment', protocol: 'openai' });
    expect(parseTarget('POST', '/api/gguf/../v1/messages')).toEqual({ kind: 'bad-deployment', protocol: 'anthropic' });
    expect(parseTarget('GET', `/api/gguf/${id}/props`)).toEqual({ kind: 'unknown-route', protocol: 'openai', path: '/props' });
    expect(parseTarget('GET', `/api/gguf/${id}/v1/messages/batches`)).toMatchObject({ kind: 'unknown-route', protocol: 'anthropic' });
    expect(parseTarget('GET', `/api/gguf/${id}/v1/messages`)).toMatchObject({ kind: 'wrong-method', protocol: 'anthropic' });
    expect(parseTarget('GET', `/api/gguf/${id}`)).toMatchObject({ kind: 'unknown-route', path: '' });
    expect(parseTarget('GET', '/healthz')).toBeUndefined();
  });
});

describe('parseTarget on the organization endpoint', () => {
  it('maps /api/llm routes without a deployment, keeping the query string', () => {
    expect(parseTarget('POST', '/api/llm/v1/messages?beta=true')).toMatchObject({ kind: 'route', deploymentId: undefined, upstreamPath: '/v1/messages?beta=true', route: { name: 'messages' } });
    expect(parseTarget('GET', '/api/llm/v1/models/')).toMatchObject({ kind: 'route', deploymentId: undefined, route: { name: 'models' } });
    expect(parseTarget('POST', '/api/llm/v1/embeddings')).toMatchObject({ kind: 'route', route: { name: 'embeddings', echoesModel: true } });
  });

  it('keeps llama-server’s own routes on deployments, with a hint', () => {
    expect(parseTarget('POST', '/api/llm/tokenize')).toMatchObject({ kind: 'unknown-route', path: '/tokenize', hint: expect.stringContaining('/api/gguf/{deployment_id}') });
    expect(parseTarget('GET', '/api/llm/health')).toMatchObject({ kind: 'unknown-route' });
    expect(parseTarget('GET', '/api/llm/v1/messages')).toMatchObject({ kind: 'wrong-method', protocol: 'anthropic' });
    expect(parseTarget('GET', '/api/llmx/v1/models')).toBeUndefined();
  });

  it('answers HEAD on a base URL as a probe, and nothing else', () => {
    for (const url of ['/', '/?x', '/api/llm', '/api/llm/', '/api/llm?x', `/api/gguf/${id}`, `/api/gguf/${id}/`]) expect(parseTarget('HEAD', url)).toEqual({ kind: 'probe' });
    expect(parseTarget('GET', '/')).toBeUndefined();
    expect(parseTarget('GET', '/api/llm')).toMatchObject({ kind: 'unknown-route', path: '' });
    expect(parseTarget('HEAD', '/api/llm/v1/models')).toMatchObject({ kind: 'wrong-method' });
    expect(parseTarget('HEAD', '/api/gguf/dep_x')).toMatchObject({ kind: 'bad-deployment' });
  });
});

describe('presentedKey', () => {
  it('reads the three headers the docs name', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer  abc ' })).toBe('abc');
    expect(presentedKey({ 'x-api-key': 'abc' })).toBe('abc');
    expect(presentedKey({ key: 'abc' })).toBe('abc');
    expect(presentedKey({})).toBeUndefined();
  });
});
