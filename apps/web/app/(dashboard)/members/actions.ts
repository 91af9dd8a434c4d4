'use server';

import type { MemberRole } from '@gguf/db';
import { revalidatePath } from 'next/cache';
import { type ActionResult, invalid, runAction } from '../../../lib/dashboard/action-result';
import { type SentInvitation, createInvitation, invitationBody } from '../../../lib/dashboard/invitations';
import { changeMemberRole, removeMember } from '../../../lib/dashboard/members';
import { requireOrgScope } from '../../../lib/dashboard/session';

export async function inviteAction(input: unknown): Promise<ActionResult<SentInvitation>> {
  const scope = await requireOrgScope();
  const parsed = invitationBody.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  return runAction(() => createInvitation(scope, parsed.data));
}

export async function changeRoleAction(userId: string, role: MemberRole): Promise<ActionResult<unknown>> {
  const scope = await requireOrgScope();
  const result = await runAction(() => changeMemberRole(scope, userId, role));
  revalidatePath('/members');
  return result;
}

export async function removeMemberAction(userId: string): Promise<ActionResult<unknown>> {
  const scope = await requireOrgScope();
  const result = await runAction(() => removeMember(scope, userId));
  revalidatePath('/members');
  return result;
}
