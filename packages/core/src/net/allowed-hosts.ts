import { z } from 'zod';
import { cidrContains, parseCidr, type Cidr } from './cidr';
import { parseIPv4, parseIpAddress, unmapIPv4 } from './ip-address';

/**
 * The operator's exceptions to the SSRF guard (MODEL_URL_ALLOWED_HOSTS), e.g. an internal model mirror:
 * host names matched exactly, and address ranges. A listed name is trusted whatever it resolves to;
 * a listed range lets any host whose addresses fall inside it through.
 */
export interface AllowedHosts {
  readonly names: ReadonlySet<string>;
  readonly ranges: readonly Cidr[];
}

export const NO_ALLOWED_HOSTS: AllowedHosts = { names: new Set(), ranges: [] };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-cased, without the trailing dot of a fully qualified name, so "Mirror.Corp." matches "mirror.corp". */
export function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseName(entry: string): Parsed<string> {
  const problem = (text: string) => ({ ok: false as const, problem: `"${entry}" ${text}` });
  if (entry.includes('*')) return problem('is a wildcard; list each host name');
  if (/[\s/:@?#[\]\\%]/.test(entry)) return problem('must be a bare host name (no scheme, port or path) or a CIDR like 10.0.0.0/8');
  let ascii: string;
  try {
    // The URL parser's own host mapping (IDNA, case), so a listed name compares equal to a URL's hostname.
    ascii = normalizeHostname(new URL(`https://${entry}/`).hostname);
  } catch {
    return problem('is not a valid host name');
  }
  if (parseIPv4(ascii)) return problem('is an IPv4 address in a non-dotted form; write it as a.b.c.d');
  if (ascii.length > 253 || !ascii.split('.').every((label) => LABEL.test(label))) return problem('is not a valid host name');
  return { ok: true, value: ascii };
}

function parseRange(entry: string): Parsed<Cidr> {
  const range = parseCidr(entry.replace(/^\[(.*)\]$/, '$1'));
  return range ? { ok: true, value: range } : { ok: false, problem: `"${entry}" is not a valid address or CIDR (like 10.0.0.0/8 or fd00::/8)` };
}

/** Digits and dots, or hex digits with colons (IPv6), optionally with a /prefix: meant as an address; anything else as a name. */
const looksLikeAddress = (entry: string) => /^(?:[\d.]+|\[?[\da-f.]*:[\da-f:.]*(?:%[\w.-]*)?\]?)(?:\/.*)?$/i.test(entry);

/** Parses MODEL_URL_ALLOWED_HOSTS (comma-separated); throws one error naming every malformed entry. */
export function parseAllowedHosts(value: string): AllowedHosts {
  const names = new Set<string>();
  const ranges: Cidr[] = [];
  const problems: string[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    if (looksLikeAddress(entry)) {
      const range = parseRange(entry);
      if (range.ok) ranges.push(range.value);
      else problems.push(range.problem);
    } else {
      const name = parseName(entry);
      if (name.ok) names.add(name.value);
      else problems.push(name.problem);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { names, ranges };
}

/** The env field for MODEL_URL_ALLOWED_HOSTS: unset means no exceptions. */
export const allowedHostsField = z
  .string()
  .transform((value, ctx) => {
    try {
      return parseAllowedHosts(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  })
  .default(NO_ALLOWED_HOSTS);

/** Whether the operator listed this host name (as a URL's hostname: IDNA-mapped and lower-cased). */
export function hostAllowed(list: AllowedHosts, hostname: string): boolean {
  return list.names.has(normalizeHostname(hostname));
}

/** Whether the address (an IPv4-mapped IPv6 address counts as its IPv4 address) lies in a listed range. */
export function addressAllowed(list: AllowedHosts, ip: string): boolean {
  const address = parseIpAddress(ip);
  if (!address) return false;
  const candidates = [address, unmapIPv4(address)];
  return list.ranges.some((range) => candidates.some((candidate) => cidrContains(range, candidate)));
}
