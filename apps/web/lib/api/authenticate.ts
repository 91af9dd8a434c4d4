import { type AdminScope, ApiError, authenticateApiKey, isAdminToken, type OrgScope, resolveSessionAdminScope, resolveSessionOrgScope, throttleAuthAttempt } from '@gguf/api';
import { isWellFormedApiKey } from '@gguf/core';
import { clientAddress } from '../auth/client-address';
import { assertSameOrigin } from '../auth/csrf';
import { ORG_COOKIE, readCookie, readSessionToken } from '../auth/session-cookie';
import { authThrottleLimits } from '../auth/throttle-limits';
import type { ServerContext } from '../server/context';

const MISSING = 'Missing credentials: send Authorization: Bearer <key>, or sign in to the dashboard.';

function bearer(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (header === null) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError('authentication_error', 'Malformed Authorization header: expected "Bearer <key>".');
  return match[1];
}

/**
 * Runs before anything reads the request's body. A call that fails to authenticate (no, malformed
 * or wrong credentials, an ended session) counts against its client address; past
 * API_AUTH_FAILURES_PER_ADDRESS a minute the answer is 429 with Retry-After instead of 401. Valid
 * credentials always get through, so colleagues behind one address are not locked out by a broken script.
 */
async function throttlingFailures<Scope>(request: Request, ctx: ServerContext, authenticate: () => Promise<Scope>): Promise<Scope> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'authentication_error') {
      await throttleAuthAttempt(ctx.deps, 'api_credentials', { address: clientAddress(request.headers) }, authThrottleLimits(ctx.env, 'api_credentials'));
    }
    throw error;
  }
}

/** A tenant: an organization API key, or a dashboard session (then in its current organization). */
export function authenticateOrg(request: Request, ctx: ServerContext, requestId: string): Promise<OrgScope> {
  return throttlingFailures(request, ctx, async () => {
    const token = bearer(request);
    if (token !== null) return authenticateApiKey(ctx.deps, token, requestId);
    const session = await readSessionToken(request.headers, ctx.env.AUTH_SECRET);
    if (!session) throw new ApiError('authentication_error', MISSING);
    assertSameOrigin(request, ctx.env.PUBLIC_WEB_URL);
    return resolveSessionOrgScope(ctx.db, { ...session, orgId: readCookie(request.headers, ORG_COOKIE) }, requestId);
  });
}

/**
 * An operator: the ADMIN_TOKEN, or a platform admin's session. A valid tenant key is recognised
 * and refused with 403 (it authenticated, it just may not do this); anything else is a 401.
 */
export function authenticateAdmin(request: Request, ctx: ServerContext, requestId: string): Promise<AdminScope> {
  return throttlingFailures(request, ctx, async () => {
    const token = bearer(request);
    if (token !== null) {
      if (isAdminToken(token, ctx.env.ADMIN_TOKEN)) return { actor: { type: 'admin_token', id: null }, requestId };
      if (isWellFormedApiKey(token)) {
        await authenticateApiKey(ctx.deps, token, requestId);
        throw new ApiError('permission_denied', 'Organization API keys cannot use the admin API; use the admin token.');
      }
      throw new ApiError('authentication_error', 'Invalid admin token.');
    }
    const session = await readSessionToken(request.headers, ctx.env.AUTH_SECRET);
    if (!session) throw new ApiError('authentication_error', MISSING);
    assertSameOrigin(request, ctx.env.PUBLIC_WEB_URL);
    return resolveSessionAdminScope(ctx.db, session, requestId);
  });
}
