import { z } from 'zod';
import { idOf } from '../shared/fields';

const role = z.enum(['owner', 'admin', 'member'], { error: 'must be "owner", "admin" or "member"' });

/** Adds the user to the organization, or changes their role if they are already a member. */
export const putMembershipBody = z.strictObject({ user_id: idOf('user'), role: role.default('member') });
export type PutMembershipInput = z.infer<typeof putMembershipBody>;

export const membership = z.object({
  org_id: z.string(),
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  created_at: z.iso.datetime(),
});
export type MembershipObject = z.infer<typeof membership>;
export const membershipList = z.object({ data: z.array(membership) });
