import type { SessionClaims } from '@gguf/api';
import { decode } from 'next-auth/jwt';

/** next-auth's cookie names: the __Secure- one is used when the dashboard is served over https. */
export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

/** Cookie the dashboard sets to switch the current organization. */
export const ORG_COOKIE = 'gguf-org';

/** Request headers, as a route handler's Request or next/headers gives them. */
export interface HeaderSource {
  get(name: string): string | null;
}

export function readCookie(headers: HeaderSource, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * What the request's session cookie claims, verified and decrypted with AUTH_SECRET: the user and
 * the sessions row it was issued for. Null when there is none, or it is invalid, expired or from
 * before sessions had rows. A claim, not a session: resolveSessionUser (@gguf/api) checks the row.
 */
export async function readSessionToken(headers: HeaderSource, secret: string): Promise<Omit<SessionClaims, 'orgId'> | null> {
  for (const name of SESSION_COOKIES) {
    const token = readCookie(headers, name);
    if (!token) continue;
    const claims = await decode({ token, secret }).catch(() => null);
    if (claims && typeof claims.sub === 'string' && typeof claims.sid === 'string') return { userId: claims.sub, sessionId: claims.sid };
  }
  return null;
}
