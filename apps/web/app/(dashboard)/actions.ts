'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { ORG_COOKIE } from '../../lib/auth/session-cookie';
import { listUserOrganizations } from '../../lib/dashboard/organizations';
import { requireUser } from '../../lib/dashboard/session';

/** Only an organization the user belongs to is accepted; the API re-checks membership on every call anyway. */
export async function switchOrganization(orgId: string): Promise<void> {
  const user = await requireUser();
  const organizations = await listUserOrganizations(user.id);
  if (!organizations.some((org) => org.id === orgId)) return;
  (await cookies()).set(ORG_COOKIE, orgId, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 });
  redirect('/deployments');
}
