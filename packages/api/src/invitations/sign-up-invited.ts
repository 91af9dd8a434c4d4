import { newId } from '@gguf/core';
import type { z } from 'zod';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { createUser } from '../users/create-user';
import { acceptInvitation } from './accept-invitation';
import { findOpenInvitation } from './find-open-invitation';
import type { invitedSignUpBody } from './schemas';

/** An account for the invited address, joined to the inviting organization; works when sign-up is invite-only too. */
export async function signUpInvited(deps: ApiDeps, token: string, input: z.infer<typeof invitedSignUpBody>): Promise<{ email: string }> {
  const invitation = await findOpenInvitation(deps, token);
  if (!invitation) throw new ApiError('not_found', 'This invitation link is no longer valid. Ask for a new one.');
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };
  const user = await createUser(deps, system, { email: invitation.email, name: input.name, password: input.password, is_platform_admin: false });
  await acceptInvitation(deps, token, user);
  return { email: invitation.email };
}
