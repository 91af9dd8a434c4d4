import { newId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findOpenInvitation } from './find-open-invitation';

/** Joins the user to the invitation's organization; the link works once, for the address it was sent to. Returns the org id. */
export async function acceptInvitation(deps: ApiDeps, token: string, user: { id: string; email: string }): Promise<string> {
  const invitation = await findOpenInvitation(deps, token);
  if (!invitation) throw new ApiError('not_found', 'This invitation link is no longer valid. Ask for a new one.');
  if (invitation.email !== user.email.toLowerCase()) throw new ApiError('permission_denied', `This invitation is for ${invitation.email}; sign in with that address to accept it.`);
  const scope: AdminScope = { actor: { type: 'user', id: user.id }, requestId: newId('request') };
  await deps.db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (count === 0) throw new ApiError('conflict', 'This invitation has just been used.');
    await tx.membership.upsert({
      where: { orgId_userId: { orgId: invitation.orgId, userId: user.id } },
      create: { orgId: invitation.orgId, userId: user.id, role: invitation.role },
      update: {},
    });
    await writeAuditLog(tx, { ...scope, orgId: invitation.orgId, action: 'invitation.accept', targetType: 'invitation', targetId: invitation.id });
  });
  return invitation.orgId;
}
