import { randomBytes } from 'node:crypto';
import { newId } from '@gguf/core';
import type { z } from 'zod';
import { writeAuditLog } from '../audit/write-audit-log';
import type { OrgScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { requireMemberManager } from '../memberships/manage-org-members';
import { type invitationBody, invitationTokenHash } from './schemas';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * An invitation to the organization, valid for 7 days. Returns the token, which goes into the
 * link the inviter sends; it is shown once, like an API key.
 */
export async function createInvitation(deps: ApiDeps, scope: OrgScope, input: z.infer<typeof invitationBody>): Promise<{ token: string; email: string; expiresAt: Date }> {
  requireMemberManager(scope);
  const token = randomBytes(32).toString('base64url');
  const email = input.email.trim().toLowerCase();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await deps.db.$transaction(async (tx) => {
    const id = newId('invitation');
    await tx.invitation.create({
      data: { id, orgId: scope.orgId, email, role: input.role, tokenHash: invitationTokenHash(token), invitedById: scope.actor.id, expiresAt },
    });
    await writeAuditLog(tx, { ...scope, action: 'invitation.create', targetType: 'invitation', targetId: id, details: { email, role: input.role } });
  });
  return { token, email, expiresAt };
}
