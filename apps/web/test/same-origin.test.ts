import { describe, expect, it } from 'vitest';
import { assertSameOrigin } from '../lib/auth/csrf';

const PUBLIC = 'http://localhost:3000';
const post = (headers: Record<string, string>) => new Request('http://localhost:3000/api/v1/api-keys', { method: 'POST', headers });
const verdict = (headers: Record<string, string>, publicWebUrl = PUBLIC) => {
  try {
    assertSameOrigin(post(headers), publicWebUrl);
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('assertSameOrigin', () => {
  it.each([
    ['PUBLIC_WEB_URL', { origin: PUBLIC }],
    ['the address the dashboard was opened at (its Host)', { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }],
    ['another name of the server', { origin: 'http://gpu-box.lan:3000', host: 'gpu-box.lan:3000' }],
    ['an IPv6 address', { origin: 'http://[::1]:3000', host: '[::1]:3000' }],
    ['what a trusted proxy says it was reached at', { origin: 'https://gguf.example.com', host: '10.0.0.5:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gguf.example.com' }],
    ['a browser that sends no Origin but Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
  ])('accepts %s', (_case, headers) => {
    expect(verdict(headers)).toBe('accepted');
  });

  it.each([
    ['another site', { origin: 'http://evil.example', host: '127.0.0.1:3000' }],
    ['another port of the same host', { origin: 'http://127.0.0.1:4000', host: '127.0.0.1:3000' }],
    ['the Host with another scheme than PUBLIC_WEB_URL', { origin: 'https://127.0.0.1:3000', host: '127.0.0.1:3000' }],
    ['an opaque origin', { origin: 'null', host: '127.0.0.1:3000' }],
    ['a Host with more than a host in it', { origin: 'http://evil.example', host: 'evil.example/x@' }],
    ['a Host with user info', { origin: 'http://evil.example', host: 'user@evil.example' }],
    ['a forwarded scheme that is not http(s)', { origin: 'javascript://x', 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'x' }],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['a request with neither Origin nor Sec-Fetch-Site', {}],
  ])('refuses %s', (_case, headers) => {
    expect(verdict(headers)).toBe('permission_denied');
  });

  it('uses the scheme of PUBLIC_WEB_URL for the Host', () => {
    expect(verdict({ origin: 'https://10.0.0.5', host: '10.0.0.5' }, 'https://gguf.example.com')).toBe('accepted');
    expect(verdict({ origin: 'http://10.0.0.5', host: '10.0.0.5' }, 'https://gguf.example.com')).toBe('permission_denied');
  });

  it('lets reads through from anywhere', () => {
    expect(assertSameOrigin(new Request(PUBLIC, { headers: { origin: 'http://evil.example' } }), PUBLIC)).toBeUndefined();
  });
});
