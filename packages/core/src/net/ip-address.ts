/**
 * IP address parsing for the SSRF guard. Strict on purpose: only canonical dotted-quad IPv4 (no leading
 * zeros, no octal, hex or short forms; the WHATWG URL parser has already turned those into dotted form)
 * and RFC 4291 IPv6 text. Anything else is not an address, and callers treat it as not public.
 */
export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
}

const OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return null;
  const bytes = parts.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : null;
}

/** IPv6 text, optionally in [brackets] and with a %zone (dropped: the zone does not change the range). */
export function parseIPv6(text: string): number[] | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const halves = bare.split('::');
  if (halves.length > 2) return null;
  // Only the address's last 32 bits may be written as dotted IPv4.
  const groups = (half: string | undefined, last: boolean): number[] | null => {
    if (!half) return [];
    const bytes: number[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      const embedded = last && index === pieces.length - 1 && piece.includes('.') ? parseIPv4(piece) : null;
      if (embedded) bytes.push(...embedded);
      else if (HEXTET.test(piece)) bytes.push(parseInt(piece, 16) >> 8, parseInt(piece, 16) & 0xff);
      else return null;
    }
    return bytes;
  };
  const head = groups(halves[0], halves.length === 1);
  const tail = groups(halves[1], true);
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 16 ? head : null;
  // "::" stands for at least one zero group.
  if (head.length + tail.length > 14) return null;
  return [...head, ...new Array<number>(16 - head.length - tail.length).fill(0), ...tail];
}

export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = text.includes(':') ? parseIPv6(text) : null;
  return v6 ? { family: 6, bytes: v6 } : null;
}

/** The IPv4 address inside ::ffff:a.b.c.d, which a dual-stack socket connects to as that IPv4 address. */
export function unmapIPv4(address: IpAddress): IpAddress {
  const mapped = address.family === 6 && address.bytes.slice(0, 10).every((b) => b === 0) && address.bytes[10] === 0xff && address.bytes[11] === 0xff;
  return mapped ? { family: 4, bytes: address.bytes.slice(12) } : address;
}
