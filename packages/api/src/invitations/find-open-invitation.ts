import type { ApiDeps } from '../deps';
import { invitationTokenHash, type OpenInvitation } from './schemas';

/** The invitation behind a link, if it is still open; null for unknown, used, revoked or expired ones. */
export async function findOpenInvitation(deps: ApiDeps, token: string): Promise<OpenInvitation | null> {
  const row = await deps.db.invitation.findUnique({ where: { tokenHash: invitationTokenHash(token) }, include: { organization: { select: { name: true, deletedAt: true } } } });
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= new Date() || row.organization.deletedAt) return null;
  return { id: row.id, orgId: row.orgId, orgName: row.organization.name, email: row.email, role: row.role };
}
