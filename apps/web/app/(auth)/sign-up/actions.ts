'use server';

import { headers } from 'next/headers';
import { clientAddress } from '../../../lib/auth/client-address';
import { type ActionResult, invalid, runAction } from '../../../lib/dashboard/action-result';
import { signUpBody, signUpFrom, signUpOpen } from '../../../lib/dashboard/sign-up';

export async function signUpAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  if (!signUpOpen()) return { ok: false, message: 'Sign-up is by invitation only on this platform. Ask an administrator for an account.' };
  const parsed = signUpBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const address = clientAddress(await headers());
  return runAction(async () => {
    await signUpFrom(address, parsed.data);
    return { email: parsed.data.email };
  });
}
