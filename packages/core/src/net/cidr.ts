import { parseIpAddress, type IpAddress } from './ip-address';

/** An address range: the first `prefix` bits of `bytes`. */
export interface Cidr extends IpAddress {
  prefix: number;
}

/** "10.0.0.0/8", "fd00::/8"; a bare address is a range of one. Null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [addressText = '', prefixText, ...rest] = text.split('/');
  const address = parseIpAddress(addressText);
  if (!address || rest.length > 0 || addressText.includes('%')) return null;
  const bits = address.bytes.length * 8;
  if (prefixText === undefined) return { ...address, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return null;
  return { ...address, prefix: Number(prefixText) };
}

export function cidrContains(range: Cidr, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const index = bit / 8;
    const mask = (0xff << (8 - Math.min(8, range.prefix - bit))) & 0xff;
    if (((range.bytes[index] ?? 0) & mask) !== ((address.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** Parses a table of ranges written in this codebase; a typo there is a bug, so it throws. */
export function cidrTable(texts: readonly string[]): Cidr[] {
  return texts.map((text) => {
    const range = parseCidr(text);
    if (!range) throw new Error(`bad CIDR in table: ${text}`);
    return range;
  });
}
