import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, clientAddress, resolveClientAddress, stampClientAddress, trustedProxySet, UNVERIFIED_ADDRESS } from '../lib/auth/client-address';

const none = trustedProxySet([]);
const proxies = trustedProxySet(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

describe('resolveClientAddress', () => {
  it.each([
    ['a direct client, with no trusted proxies', '203.0.113.9', undefined, none, '203.0.113.9'],
    ['a direct client that makes up X-Forwarded-For', '203.0.113.9', '198.51.100.1', none, '203.0.113.9'],
    ['a client of an untrusted proxy', '203.0.113.9', '198.51.100.1', proxies, '203.0.113.9'],
    ['the client a trusted proxy names', '10.1.2.3', '198.51.100.1', proxies, '198.51.100.1'],
    ['the nearest untrusted hop, not what the client prepended', '127.0.0.1', '6.6.6.6, 198.51.100.1, 10.9.9.9', proxies, '198.51.100.1'],
    ['the left-most hop when every hop is a trusted proxy', '127.0.0.1', '10.0.0.7, 10.0.0.8', proxies, '10.0.0.7'],
    ['the proxy itself when it names nobody', '10.1.2.3', undefined, proxies, '10.1.2.3'],
    ['the last good hop when a hop is not an address', '10.1.2.3', '198.51.100.1, junk', proxies, '10.1.2.3'],
    ['an IPv4 client of a dual-stack socket, as IPv4', '::ffff:127.0.0.1', '198.51.100.1', proxies, '198.51.100.1'],
    ['an IPv6 trusted proxy', 'fd00::1', '2001:db8::5', proxies, '2001:db8::5'],
  ])('finds %s', (_case, peer, forwardedFor, trusted, expected) => {
    expect(resolveClientAddress(peer, forwardedFor, trusted)).toBe(expected);
  });
});

describe('clientAddress', () => {
  it('reads the front door’s stamp, and only its own', () => {
    const stamped: Record<string, string> = {};
    stampClientAddress(stamped, '198.51.100.1');
    expect(clientAddress(new Headers(stamped))).toBe('198.51.100.1');
    expect(clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: 'forged 198.51.100.2' }))).toBe(UNVERIFIED_ADDRESS);
    expect(clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.2' }))).toBe(UNVERIFIED_ADDRESS);
    expect(clientAddress(new Headers())).toBe(UNVERIFIED_ADDRESS);
  });
});
