import type { Membership, User } from '@gguf/db';
import type { MembershipObject } from './schemas';

export const WITH_USER = { user: { select: { email: true, name: true } } } as const;

export function serializeMembership(row: Membership & { user: Pick<User, 'email' | 'name'> }): MembershipObject {
  return { org_id: row.orgId, user_id: row.userId, email: row.user.email, name: row.user.name, role: row.role, created_at: row.createdAt.toISOString() };
}
