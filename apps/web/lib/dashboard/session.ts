import { ApiError, type AdminScope, type OrgScope, resolveSessionAdminScope, resolveSessionOrgScope } from '@gguf/api';
import { newId } from '@gguf/core';
import { getServerSession } from 'next-auth';
import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { authOptions } from '../auth/options';
import { ORG_COOKIE } from '../auth/session-cookie';
import { serverContext } from '../server/context';

export interface DashboardUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

/** The signed-in user, or null. Cached per request. */
export const currentUser = cache(async (): Promise<DashboardUser | null> => {
  const context = serverContext();
  const { db } = context;
  const session = await getServerSession(authOptions(context));
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, isPlatformAdmin: true, disabledAt: true } });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin };
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
  const user = await requireUser();
  const orgId = (await cookies()).get(ORG_COOKIE)?.value ?? null;
  try {
    return await resolveSessionOrgScope(serverContext().db, { userId: user.id, orgId }, newId('request'));
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
  return resolveSessionAdminScope(serverContext().db, { userId: user.id }, newId('request'));
});
