import { describe, expect, it } from 'vitest';
import { addressAllowed, allowedHostsField, hostAllowed, NO_ALLOWED_HOSTS, parseAllowedHosts } from './allowed-hosts';

describe('parseAllowedHosts', () => {
  it('reads names (lower-cased, trailing dot dropped) and ranges, ignoring blanks', () => {
    const list = parseAllowedHosts(' Mirror.Corp.Example. , 10.1.0.0/16,,127.0.0.1, fd00::/8, [::1] ');
    expect([...list.names]).toEqual(['mirror.corp.example']);
    expect(list.ranges.map((range) => [range.family, range.prefix])).toEqual([
      [4, 16],
      [4, 32],
      [6, 8],
      [6, 128],
    ]);
  });

  it('maps an internationalized name to the form a URL has', () => {
    expect([...parseAllowedHosts('bücher.example').names]).toEqual(['xn--bcher-kva.example']);
  });

  it('is empty for an empty value', () => {
    expect(parseAllowedHosts('')).toEqual(NO_ALLOWED_HOSTS);
  });

  it.each([
    ['10.0.0.0/33', '"10.0.0.0/33" is not a valid address or CIDR'],
    ['fd00::/129', '"fd00::/129" is not a valid address or CIDR'],
    ['10.0.0', '"10.0.0" is not a valid address or CIDR'],
    ['10.0.0.0/8/8', 'is not a valid address or CIDR'],
    ['fe80::1%eth0', 'is not a valid address or CIDR'],
    ['*.corp.example', 'is a wildcard; list each host name'],
    ['https://mirror.example', 'must be a bare host name (no scheme, port or path)'],
    ['mirror.example:8443', 'must be a bare host name (no scheme, port or path)'],
    ['mirror.example/models', 'must be a bare host name (no scheme, port or path)'],
    ['-bad.example', 'is not a valid host name'],
    ['bad_name.example', 'is not a valid host name'],
    ['0x7f000001', 'is an IPv4 address in a non-dotted form; write it as a.b.c.d'],
  ])('refuses %s with a clear message', (value, message) => {
    expect(() => parseAllowedHosts(value)).toThrow(message);
  });

  it('names every bad entry in one error', () => {
    expect(() => parseAllowedHosts('ok.example, *.a.example, 1.2.3.4/40')).toThrow(/"\*\.a\.example".*; "1\.2\.3\.4\/40"/);
  });

  it('works as an environment field, unset meaning no exceptions', () => {
    expect(allowedHostsField.parse(undefined)).toEqual(NO_ALLOWED_HOSTS);
    expect([...allowedHostsField.parse('hub.test').names]).toEqual(['hub.test']);
    const bad = allowedHostsField.safeParse('*.test');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('is a wildcard');
  });
});

describe('hostAllowed and addressAllowed', () => {
  const list = parseAllowedHosts('mirror.corp.example, 10.1.0.0/16, 127.0.0.1, fd00:1::/32');

  it.each([
    ['mirror.corp.example', true],
    ['MIRROR.corp.example.', true],
    ['other.corp.example', false],
    ['corp.example', false],
    ['x.mirror.corp.example', false],
  ])('host %s: %s', (hostname, allowed) => {
    expect(hostAllowed(list, hostname)).toBe(allowed);
  });

  it.each([
    ['10.1.0.0', true],
    ['10.1.255.255', true],
    ['10.2.0.0', false],
    ['10.0.255.255', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['::ffff:10.1.2.3', true], // a mapped address reaches the IPv4 host
    ['::ffff:127.0.0.1', true],
    ['fd00:1:ffff::1', true],
    ['fd00:2::1', false],
    ['::1', false],
    ['mirror.corp.example', false], // names are not addresses
  ])('address %s: %s', (ip, allowed) => {
    expect(addressAllowed(list, ip)).toBe(allowed);
  });

  it('allows nothing with an empty list', () => {
    expect(hostAllowed(NO_ALLOWED_HOSTS, 'localhost')).toBe(false);
    expect(addressAllowed(NO_ALLOWED_HOSTS, '127.0.0.1')).toBe(false);
  });
});
