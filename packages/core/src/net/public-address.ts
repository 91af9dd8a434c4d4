import { cidrContains, cidrTable } from './cidr';
import { parseIpAddress, type IpAddress } from './ip-address';

/**
 * IPv4 ranges that are not the public internet (IANA special-purpose registry): a model download must
 * never reach them, since they hold the node's own services, its LAN and the cloud metadata endpoint.
 */
const IPV4_NON_PUBLIC = cidrTable([
  '0.0.0.0/8', // "this network", unspecified
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, limited broadcast
]);

/** IPv6 forms that carry an IPv4 address and are judged by it: which host they reach depends on it. */
const IPV6_EMBEDDING_IPV4 = [
  { range: cidrTable(['::ffff:0:0/96'])[0]!, at: 12 }, // IPv4-mapped
  { range: cidrTable(['::/96'])[0]!, at: 12 }, // IPv4-compatible (also covers :: and ::1)
  { range: cidrTable(['64:ff9b::/96'])[0]!, at: 12 }, // NAT64
  { range: cidrTable(['2002::/16'])[0]!, at: 2 }, // 6to4
];

/** Only global unicast (2000::/3) is public in IPv6; these parts of it are not. */
const IPV6_GLOBAL_UNICAST = cidrTable(['2000::/3'])[0]!;
const IPV6_NON_PUBLIC = cidrTable([
  '2001::/23', // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation
]);

function isPublic(address: IpAddress): boolean {
  if (address.family === 4) return !IPV4_NON_PUBLIC.some((range) => cidrContains(range, address));
  const embedding = IPV6_EMBEDDING_IPV4.find(({ range }) => cidrContains(range, address));
  if (embedding) return isPublic({ family: 4, bytes: address.bytes.slice(embedding.at, embedding.at + 4) });
  return cidrContains(IPV6_GLOBAL_UNICAST, address) && !IPV6_NON_PUBLIC.some((range) => cidrContains(range, address));
}

/** True only for an address on the public internet; false for every special range and for anything that is not an address. */
export function isPublicAddress(ip: string): boolean {
  const address = parseIpAddress(ip);
  return address !== null && isPublic(address);
}
