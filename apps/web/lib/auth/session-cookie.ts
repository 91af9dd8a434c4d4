import { decode } from 'next-auth/jwt';

/** next-auth's cookie names: the __Secure- one is used when the dashboard is served over https. */
export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

/** Cookie the dashboard sets to switch the current organization. */
export const ORG_COOKIE = 'gguf-org';

export interface SessionToken {
  userId: string;
  isPlatformAdmin: boolean;
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie');
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

export function hasSessionCookie(request: Request): boolean {
  return SESSION_COOKIES.some((name) => readCookie(request, name) !== undefined);
}

/**
 * The dashboard session carried by the request's cookie, verified and decrypted with AUTH_SECRET;
 * null when there is none or it is invalid or expired. Reads the cookie from the request itself
 * (not next/headers), so it works in any handler and in tests.
 */
export async function readSessionToken(request: Request, secret: string): Promise<SessionToken | null> {
  for (const name of SESSION_COOKIES) {
    const token = readCookie(request, name);
    if (!token) continue;
    const claims = await decode({ token, secret }).catch(() => null);
    if (claims && typeof claims.sub === 'string') return { userId: claims.sub, isPlatformAdmin: claims.isPlatformAdmin === true };
  }
  return null;
}
