import { describe, expect, it } from 'vitest';
import { connectionNamed, responseHeaders, upstreamRequestHeaders } from './headers';

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop headers, the caller’s credentials and every header its Connection header names', () => {
    const headers = upstreamRequestHeaders(
      {
        connection: 'keep-alive, X-Trace-Hop ,x-fake-reply',
        'keep-alive': 'timeout=5',
        'x-trace-hop': 'drop me',
        'x-fake-reply': 'drop me too',
        'x-kept': 'kept',
        'content-type': 'application/json',
        authorization: 'Bearer gguf_caller',
        'x-api-key': 'gguf_caller',
        cookie: 'session=1',
      },
      'upstream-secret',
      'req_1',
      12,
    );
    expect(headers).toEqual({ 'x-kept': 'kept', 'content-type': 'application/json', authorization: 'Bearer upstream-secret', 'x-request-id': 'req_1', 'content-length': '12' });
  });

  it('cannot be told to drop what the gateway itself sets', () => {
    const headers = upstreamRequestHeaders({ connection: 'authorization, x-request-id, content-length' }, 'secret', 'req_2', 3);
    expect(headers).toEqual({ authorization: 'Bearer secret', 'x-request-id': 'req_2', 'content-length': '3' });
  });
});

describe('responseHeaders', () => {
  it('drops what the upstream’s Connection header names, and its cookies and request id', () => {
    const headers = responseHeaders({ connection: 'x-internal', 'x-internal': '1', 'content-type': 'text/plain', 'content-length': '5', 'set-cookie': 'a=1', 'x-request-id': 'up' }, true);
    expect(headers).toEqual({ 'content-type': 'text/plain', 'content-length': '5' });
  });
});

describe('connectionNamed', () => {
  it('parses the usual values without work and lists the rest in lower case', () => {
    expect(connectionNamed('keep-alive').size).toBe(0);
    expect(connectionNamed(undefined).size).toBe(0);
    expect([...connectionNamed(['Close, X-A', ' x-b , '])]).toEqual(['close', 'x-a', 'x-b']);
  });
});
