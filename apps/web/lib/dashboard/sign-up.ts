import { createOrganization, createUser, type AdminScope } from '@gguf/api';
import { newId } from '@gguf/core';
import { z } from 'zod';
import { serverContext } from '../server/context';

/** Whether anyone may create an account from the sign-in page (SIGNUP_MODE=open) or only invitees. */
export function signUpOpen(): boolean {
  return serverContext().env.SIGNUP_MODE === 'open';
}

export const signUpBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
  password: z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters'),
  organization: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
});
export type SignUpInput = z.infer<typeof signUpBody>;

/**
 * A self-service account: the user and their organization (they own it), made by the same domain
 * functions the admin API uses, recorded in the audit log as the system acting on the sign-up.
 */
export async function signUp(input: SignUpInput): Promise<{ userId: string; orgId: string }> {
  const { deps } = serverContext();
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };
  const user = await createUser(deps, system, { email: input.email, name: input.name, password: input.password, is_platform_admin: false });
  const org = await createOrganization(deps, system, { name: input.organization, owner_user_id: user.id });
  return { userId: user.id, orgId: org.id };
}
