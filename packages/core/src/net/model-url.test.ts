import { describe, expect, it } from 'vitest';
import { NO_ALLOWED_HOSTS, parseAllowedHosts } from './allowed-hosts';
import { checkModelUrl, checkRedirectUrl, MODEL_URL_REFUSED } from './model-url';
import { SSRF_MATRIX as REFUSED } from './ssrf-matrix';


describe('checkModelUrl: the SSRF matrix', () => {
  it('covers at least 30 forms', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(REFUSED)('refuses %s (%s)', (url, detail) => {
    expect(checkModelUrl(url, NO_ALLOWED_HOSTS)).toEqual({ ok: false, reason: MODEL_URL_REFUSED, detail });
  });

  it.each([
    ['https://huggingface.co/org/repo/resolve/main/model-Q4_K_M.gguf'],
    ['https://example.com/x.GGUF'],
    ['https://example.com:8443/dir/x.gguf?download=1#frag'],
    ['https://8.8.8.8/x.gguf'],
    ['https://[2606:4700:4700::1111]/x.gguf'],
    ['https://[::ffff:8.8.8.8]/x.gguf'],
    ['https://bücher.example/x.gguf'],
    ['https://models.example.test/x.gguf'], // resolved and checked at download time
  ])('accepts %s', (url) => {
    const check = checkModelUrl(url, NO_ALLOWED_HOSTS);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.url.href).toBe(new URL(url).href);
  });

  it('gives one message that names no host or rule', () => {
    const reasons = new Set(REFUSED.map(([url]) => {
      const check = checkModelUrl(url, NO_ALLOWED_HOSTS);
      return check.ok ? 'accepted' : check.reason;
    }));
    expect([...reasons]).toEqual([MODEL_URL_REFUSED]);
  });
});

describe('checkModelUrl with MODEL_URL_ALLOWED_HOSTS', () => {
  const allow = parseAllowedHosts('mirror, hub.test, 127.0.0.1, 10.1.0.0/16, fd00:1::/32');

  it.each([
    ['https://mirror/x.gguf'],
    ['https://hub.test:4443/org/repo/resolve/main/m.gguf'],
    ['https://127.0.0.1:3000/x.gguf'],
    ['https://2130706433/x.gguf'], // the same address in another spelling
    ['https://[::ffff:127.0.0.1]/x.gguf'],
    ['https://10.1.2.3/x.gguf'],
    ['https://[fd00:1::5]/x.gguf'],
  ])('lets %s through', (url) => {
    expect(checkModelUrl(url, allow).ok).toBe(true);
  });

  it.each([
    ['https://mirror2/x.gguf'],
    ['https://sub.hub.test.localhost/x.gguf'],
    ['https://127.0.0.2/x.gguf'],
    ['https://10.2.0.1/x.gguf'],
    ['https://[::1]/x.gguf'],
    ['https://[fd00:2::1]/x.gguf'],
    ['http://hub.test/x.gguf'],
    ['https://user:pw@hub.test/x.gguf'],
    ['https://hub.test/x.bin'],
  ])('still refuses %s', (url) => {
    expect(checkModelUrl(url, allow).ok).toBe(false);
  });
});

describe('checkRedirectUrl', () => {
  const from = new URL('https://hub.example/org/repo/resolve/main/m.gguf');

  it('resolves a relative Location and does not require a .gguf path', () => {
    const check = checkRedirectUrl('/api/resolve-cache/abc?sig=1', from, NO_ALLOWED_HOSTS);
    expect(check.ok && check.url.href).toBe('https://hub.example/api/resolve-cache/abc?sig=1');
    expect(checkRedirectUrl('https://cdn.example/blobs/0123abcd?X-Amz-Signature=ff', from, NO_ALLOWED_HOSTS).ok).toBe(true);
  });

  it.each([
    ['http://cdn.example/blob'],
    ['//127.0.0.1/blob'],
    ['https://169.254.169.254/latest'],
    ['https://u:p@cdn.example/blob'],
    ['https://localhost/blob'],
  ])('refuses %s', (location) => {
    expect(checkRedirectUrl(location, from, NO_ALLOWED_HOSTS)).toMatchObject({ ok: false, reason: MODEL_URL_REFUSED });
  });

  it('takes the long URLs CDNs sign, within a bound', () => {
    expect(checkRedirectUrl(`https://cdn.example/b?sig=${'a'.repeat(4000)}`, from, NO_ALLOWED_HOSTS).ok).toBe(true);
    expect(checkRedirectUrl(`https://cdn.example/b?sig=${'a'.repeat(9000)}`, from, NO_ALLOWED_HOSTS).ok).toBe(false);
  });
});
