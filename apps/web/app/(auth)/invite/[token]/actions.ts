'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress } from '../../../../lib/auth/client-address';
import { ORG_COOKIE } from '../../../../lib/auth/session-cookie';
import { type ActionResult, invalid, runAction } from '../../../../lib/dashboard/action-result';
import { acceptInvitation, invitedSignUpBody, signUpInvited } from '../../../../lib/dashboard/invitations';
import { requireUser } from '../../../../lib/dashboard/session';

export async function acceptInviteAction(token: string): Promise<ActionResult> {
  const user = await requireUser();
  const address = clientAddress(await headers());
  const result = await runAction(() => acceptInvitation(address, token, user));
  if (!result.ok) return result;
  (await cookies()).set(ORG_COOKIE, result.value, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600 });
  redirect('/deployments');
}

export async function signUpInvitedAction(token: string, input: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = invitedSignUpBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const address = clientAddress(await headers());
  return runAction(() => signUpInvited(address, token, parsed.data));
}
