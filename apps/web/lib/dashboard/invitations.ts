import { type AdminScope, ApiError, createUser, type OrgScope, writeAuditLog } from '@gguf/api';
import { hashApiKey, newId } from '@gguf/core';
import type { MemberRole } from '@gguf/db';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { serverContext } from '../server/context';
import { requireMemberManager } from './members';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export const invitationBody = z.object({
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
  role: z.enum(['admin', 'member'], { error: 'must be "admin" or "member"' }),
});

/** Only the SHA-256 of the token is stored, like a key: the link is the secret. */
const tokenHash = (token: string) => hashApiKey(token);

/**
 * An invitation to the organization: a link, valid for 7 days, that the inviter sends by email.
 * Shown once, like an API key.
 */
export async function createInvitation(scope: OrgScope, input: z.infer<typeof invitationBody>): Promise<{ link: string }> {
  requireMemberManager(scope);
  const { db, env } = serverContext();
  const token = randomBytes(32).toString('base64url');
  const email = input.email.trim().toLowerCase();
  await db.$transaction(async (tx) => {
    const id = newId('invitation');
    await tx.invitation.create({
      data: { id, orgId: scope.orgId, email, role: input.role, tokenHash: tokenHash(token), invitedById: scope.actor.id, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
    });
    await writeAuditLog(tx, { ...scope, action: 'invitation.create', targetType: 'invitation', targetId: id, details: { email, role: input.role } });
  });
  return { link: `${env.PUBLIC_WEB_URL}/invite/${token}` };
}

export interface OpenInvitation {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  role: MemberRole;
}

/** The invitation behind a link, if it is still open; null for unknown, used, revoked or expired ones. */
export async function findOpenInvitation(token: string): Promise<OpenInvitation | null> {
  const row = await serverContext().db.invitation.findUnique({ where: { tokenHash: tokenHash(token) }, include: { organization: { select: { name: true, deletedAt: true } } } });
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= new Date() || row.organization.deletedAt) return null;
  return { id: row.id, orgId: row.orgId, orgName: row.organization.name, email: row.email, role: row.role };
}

/** Joins the signed-in user to the invitation's organization; the link works once, for the address it was sent to. */
export async function acceptInvitation(token: string, user: { id: string; email: string }): Promise<string> {
  const invitation = await findOpenInvitation(token);
  if (!invitation) throw new ApiError('not_found', 'This invitation link is no longer valid. Ask for a new one.');
  if (invitation.email !== user.email.toLowerCase()) throw new ApiError('permission_denied', `This invitation is for ${invitation.email}; sign in with that address to accept it.`);
  const scope: AdminScope = { actor: { type: 'user', id: user.id }, requestId: newId('request') };
  await serverContext().db.$transaction(async (tx) => {
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

export const invitedSignUpBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  password: z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters'),
});

/** An account for the invited address, joined to the inviting organization; works when sign-up is invite-only too. */
export async function signUpInvited(token: string, input: z.infer<typeof invitedSignUpBody>): Promise<{ email: string }> {
  const invitation = await findOpenInvitation(token);
  if (!invitation) throw new ApiError('not_found', 'This invitation link is no longer valid. Ask for a new one.');
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };
  const user = await createUser(serverContext().deps, system, { email: invitation.email, name: input.name, password: input.password, is_platform_admin: false });
  await acceptInvitation(token, user);
  return { email: invitation.email };
}
