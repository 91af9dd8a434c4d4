import { addressAllowed, hostAllowed, normalizeHostname, type AllowedHosts } from './allowed-hosts';
import { parseIPv4 } from './ip-address';
import { isPublicAddress } from './public-address';

/**
 * The SSRF guard's static half: which URLs the platform may fetch a model from, judged from the text alone.
 * Used when a tenant creates or edits a deployment and again for every hop of a download.
 */

/** The one answer a tenant gets for any refused URL: it says nothing about which internal host or rule matched. */
export const MODEL_URL_REFUSED = 'must be a public https URL of a .gguf file';

export const MODEL_URL_MAX_LENGTH = 2048;
/** Redirect targets are the server's, not the tenant's: signed CDN URLs run long. */
export const REDIRECT_URL_MAX_LENGTH = 8192;

/** `detail` names the rule that matched, for logs only. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string; detail: string };

/**
 * Names that only mean something inside a network (RFC 6761, 6762 appendix G, 8375, ICANN's .internal):
 * refused early, though resolving them at download time would catch any that point inward.
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'private', 'home.arpa'];

/** Why a host is refused, or null when it may be fetched from (its resolved addresses are checked at download time). */
function hostRefusal(hostname: string, allow: AllowedHosts): string | null {
  if (hostname.startsWith('[')) {
    const address = hostname.slice(1, -1);
    return isPublicAddress(address) || addressAllowed(allow, address) ? null : 'non-public IPv6 address';
  }
  // The URL parser has already rewritten every IPv4 spelling (decimal, octal, hex, short) as a.b.c.d.
  if (parseIPv4(hostname)) return isPublicAddress(hostname) || addressAllowed(allow, hostname) ? null : 'non-public IPv4 address';
  if (hostAllowed(allow, hostname)) return null;
  const name = normalizeHostname(hostname);
  if (!name.includes('.')) return 'single-label host name';
  if (LOCAL_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return 'local host name';
  return null;
}

function checkHttpsUrl(raw: string, allow: AllowedHosts, maxLength: number, base?: URL): UrlCheck {
  const refuse = (detail: string): UrlCheck => ({ ok: false, reason: MODEL_URL_REFUSED, detail });
  if (raw.length > maxLength) return refuse(`longer than ${maxLength} characters`);
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return refuse('not a URL');
  }
  if (url.protocol !== 'https:') return refuse(`scheme ${url.protocol} is not https`);
  if (url.username !== '' || url.password !== '') return refuse('user info in the URL');
  if (url.href.length > maxLength) return refuse(`longer than ${maxLength} characters`);
  const refusal = hostRefusal(url.hostname, allow);
  return refusal ? refuse(refusal) : { ok: true, url };
}

/** A tenant's model URL: https, no credentials, at most 2048 characters, a .gguf path, a host that may be fetched from. */
export function checkModelUrl(raw: string, allow: AllowedHosts): UrlCheck {
  const check = checkHttpsUrl(raw, allow, MODEL_URL_MAX_LENGTH);
  if (check.ok && !check.url.pathname.toLowerCase().endsWith('.gguf')) return { ok: false, reason: MODEL_URL_REFUSED, detail: 'path does not end in .gguf' };
  return check;
}

/** A redirect's Location (relative to the URL that answered): the same rules, except the path, which a CDN names as it likes. */
export function checkRedirectUrl(location: string, from: URL, allow: AllowedHosts): UrlCheck {
  return checkHttpsUrl(location, allow, REDIRECT_URL_MAX_LENGTH, from);
}
