import { newId } from '@gguf/core';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { createOrganization } from '../organizations/create-organization';
import { createUser } from '../users/create-user';
import type { AdminScope } from './principal';

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
export async function signUp(deps: ApiDeps, input: SignUpInput): Promise<{ userId: string; orgId: string }> {
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };
  const user = await createUser(deps, system, { email: input.email, name: input.name, password: input.password, is_platform_admin: false });
  const org = await createOrganization(deps, system, { name: input.organization, owner_user_id: user.id });
  return { userId: user.id, orgId: org.id };
}
