import { describe, expect, it } from 'vitest';
import { NO_ALLOWED_HOSTS, parseAllowedHosts } from './allowed-hosts';
import { checkModelUrl, checkRedirectUrl, MODEL_URL_REFUSED } from './model-url';

/** Every form a hostile tenant might try, with the rule that must catch it (for the log detail). */
const REFUSED: [url: string, detail: string][] = [
  ['https://127.0.0.1:3000/x.gguf', 'non-public IPv4 address'],
  ['https://127.0.0.1./x.gguf', 'non-public IPv4 address'],
  ['https://127.255.255.254/x.gguf', 'non-public IPv4 address'],
  ['https://localhost/x.gguf', 'single-label host name'],
  ['https://localhost./x.gguf', 'single-label host name'],
  ['https://LOCALHOST:8080/x.gguf', 'single-label host name'],
  ['https://ⓛocalhost/x.gguf', 'single-label host name'], // IDNA maps it to "localhost"
  ['https://foo.localhost/x.gguf', 'local host name'],
  ['https://169.254.169.254/latest/meta-data/x.gguf', 'non-public IPv4 address'],
  ['https://10.0.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://172.16.5.4/x.gguf', 'non-public IPv4 address'],
  ['https://192.168.1.1/x.gguf', 'non-public IPv4 address'],
  ['https://100.64.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://224.0.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://255.255.255.255/x.gguf', 'non-public IPv4 address'],
  ['https://0.0.0.0/x.gguf', 'non-public IPv4 address'],
  ['https://0/x.gguf', 'non-public IPv4 address'],
  ['https://192.0.2.1/x.gguf', 'non-public IPv4 address'],
  ['https://198.18.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://0x7f000001/x.gguf', 'non-public IPv4 address'], // hex
  ['https://0x7f.0x0.0x0.0x1/x.gguf', 'non-public IPv4 address'], // hex per octet
  ['https://2130706433/x.gguf', 'non-public IPv4 address'], // decimal
  ['https://017700000001/x.gguf', 'non-public IPv4 address'], // octal
  ['https://0177.0.0.1/x.gguf', 'non-public IPv4 address'], // octal octet
  ['https://127.1/x.gguf', 'non-public IPv4 address'], // short form
  ['https://10.1/x.gguf', 'non-public IPv4 address'],
  ['https://%31%32%37.0.0.1/x.gguf', 'non-public IPv4 address'], // percent-encoded
  ['https://１２７.０.０.１/x.gguf', 'non-public IPv4 address'], // full-width digits
  ['https://[::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::]/x.gguf', 'non-public IPv6 address'],
  ['https://[0:0:0:0:0:0:0:1]:443/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:127.0.0.1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:7f00:1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:169.254.169.254]/x.gguf', 'non-public IPv6 address'],
  ['https://[::127.0.0.1]/x.gguf', 'non-public IPv6 address'], // IPv4-compatible
  ['https://[64:ff9b::10.0.0.1]/x.gguf', 'non-public IPv6 address'], // NAT64
  ['https://[2002:a9fe:a9fe::1]/x.gguf', 'non-public IPv6 address'], // 6to4
  ['https://[2001::1]/x.gguf', 'non-public IPv6 address'], // Teredo
  ['https://[fd00::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[fe80::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[ff02::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[2001:db8::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[fe80::1%25eth0]/x.gguf', 'not a URL'], // zone ids are not valid in URLs
  ['https://intranet/x.gguf', 'single-label host name'],
  ['https://metadata/x.gguf', 'single-label host name'],
  ['https://printer.local/x.gguf', 'local host name'],
  ['https://db.internal/x.gguf', 'local host name'],
  ['https://metadata.google.internal/x.gguf', 'local host name'],
  ['https://nas.localdomain/x.gguf', 'local host name'],
  ['https://router.home.arpa/x.gguf', 'local host name'],
  ['https://git.corp/x.gguf', 'local host name'],
  ['https://user:pass@example.com/x.gguf', 'user info in the URL'],
  ['https://user@example.com/x.gguf', 'user info in the URL'],
  ['https://:secret@example.com/x.gguf', 'user info in the URL'],
  ['http://example.com/x.gguf', 'scheme http: is not https'],
  ['ftp://example.com/x.gguf', 'scheme ftp: is not https'],
  ['file:///etc/x.gguf', 'scheme file: is not https'],
  ['gopher://example.com/x.gguf', 'scheme gopher: is not https'],
  ['data:application/octet-stream,x.gguf', 'scheme data: is not https'],
  ['//example.com/x.gguf', 'not a URL'],
  ['not a url', 'not a URL'],
  ['https://example.com/x.bin', 'path does not end in .gguf'],
  ['https://example.com/model.bin?name=x.gguf', 'path does not end in .gguf'],
  ['https://example.com/x.gguf/', 'path does not end in .gguf'],
  [`https://example.com/${'a'.repeat(2040)}.gguf`, 'longer than 2048 characters'],
];

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
