import { randomBytes } from 'node:crypto';
import { newId } from '@gguf/core';
import type { z } from 'zod';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { requireMemberManager } from '../memberships/manage-org-members';
import { type invitationBody, invitationTokenHash } from './schemas';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface CreatedInvitation {
  /** Goes into the invitation link; shown once, like an API key. */
  token: string;
  email: string;
  role: string;
  expiresAt: Date;
  /** For the invitation email: the organization's name and who invited (null for a non-user actor). */
  organization: string;
  inviter: string | null;
}

/** An invitation to the organization, valid for 7 days. */
export async function createInvitation(deps: ApiDeps, scope: OrgScope, input: z.infer<typeof invitationBody>): Promise<CreatedInvitation> {
  requireMemberManager(scope);
  const token = randomBytes(32).toString('base64url');
  const email = input.email.trim().toLowerCase();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const names = await deps.db.$transaction(async (tx) => {
    const id = newId('invitation');
    await tx.invitation.create({
      data: { id, orgId: scope.orgId, email, role: input.role, tokenHash: invitationTokenHash(token), invitedById: scope.actor.id, expiresAt },
    });
    await writeAuditLog(tx, { ...scope, action: 'invitation.create', targetType: 'invitation', targetId: id, details: { email, role: input.role } });
    const [org, inviter] = await Promise.all([
      tx.organization.findUniqueOrThrow({ where: { id: scope.orgId }, select: { name: true } }),
      scope.actor.type === 'user' && scope.actor.id ? tx.user.findUnique({ where: { id: scope.actor.id }, select: { name: true } }) : null,
    ]);
    return { organization: org.name, inviter: inviter?.name ?? null };
  });
  return { token, email, role: input.role, expiresAt, ...names };
}
