import type { MemberRole } from '@gguf/db';
import { serverContext } from '../server/context';

export interface UserOrganization {
  id: string;
  name: string;
  role: MemberRole;
}

/** The organizations a user belongs to, oldest membership first (the default one comes first). */
export async function listUserOrganizations(userId: string): Promise<UserOrganization[]> {
  const rows = await serverContext().db.membership.findMany({
    where: { userId, organization: { deletedAt: null } },
    include: { organization: { select: { name: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((row) => ({ id: row.orgId, name: row.organization.name, role: row.role }));
}
