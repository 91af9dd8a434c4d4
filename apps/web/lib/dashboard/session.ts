import { ApiError, type AdminScope, type OrgScope, resolveSessionAdminScope, resolveSessionOrgScope, resolveSessionUser, type SessionClaims } from '@gguf/api';
import { newId } from '@gguf/core';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { ORG_COOKIE, readSessionToken } from '../auth/session-cookie';
import { serverContext } from '../server/context';

export interface DashboardUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

/** What the request's session cookie claims (not yet checked against its sessions row). Cached per request. */
const sessionClaims = cache(async (): Promise<Omit<SessionClaims, 'orgId'> | null> => readSessionToken(await headers(), serverContext().env.AUTH_SECRET));

/**
 * The signed-in user, or null: the cookie's session row must be live and the user enabled, exactly
 * as the REST API checks it (resolveSessionUser), so a signed-out or revoked session shows the
 * sign-in page at once. Cached per request.
 */
export const currentUser = cache(async (): Promise<DashboardUser | null> => {
  const claims = await sessionClaims();
  if (!claims) return null;
  try {
    return await resolveSessionUser(serverContext().db, claims);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'authentication_error') return null;
    throw error;
  }
});

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<DashboardUser> {
  return (await currentUser()) ?? redirect('/sign-in');
}

/**
 * The user acting in their current organization (the org cookie, else their first membership),
 * re-checked against the database exactly as the REST API does; null for a user in no
 * organization (e.g. the seeded platform admin).
 */
export const currentOrgScope = cache(async (): Promise<OrgScope | null> => {
  await requireUser();
  const claims = (await sessionClaims())!;
  const orgId = (await cookies()).get(ORG_COOKIE)?.value ?? null;
  try {
    return await resolveSessionOrgScope(serverContext().db, { ...claims, orgId }, newId('request'));
  } catch (error) {
    if (error instanceof ApiError && error.code === 'authentication_error') redirect('/sign-in');
    if (error instanceof ApiError && error.code === 'permission_denied') return null;
    throw error;
  }
});

export async function requireOrgScope(): Promise<OrgScope> {
  return (await currentOrgScope()) ?? redirect('/no-organization');
}

/** A platform admin's scope; anyone else gets the not-found page, like any object they may not see. */
export const requireAdminScope = cache(async (): Promise<AdminScope> => {
  const user = await requireUser();
  if (!user.isPlatformAdmin) notFound();
  return resolveSessionAdminScope(serverContext().db, { ...(await sessionClaims())!, userId: user.id }, newId('request'));
});
