import { z } from 'zod';
import { defineRoute } from '../http/route';
import { idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pathParam } from '../shared/fields';
import { membership, membershipList, putMembershipBody } from './schemas';

// --- admin: an organization's members ----------------------------------------------------------

const memberParams = z.object({ id: pathParam, user_id: pathParam });

export const adminListMembersRoute = defineRoute({
  operationId: 'adminListMembers',
  method: 'GET',
  path: '/api/v1/admin/organizations/{id}/members',
  tag: 'Admin: organizations',
  summary: "List an organization's members",
  auth: 'admin',
  params: idParam,
  response: named('MembershipList', membershipList),
  status: 200,
});

export const adminPutMemberRoute = defineRoute({
  operationId: 'adminPutMember',
  method: 'POST',
  path: '/api/v1/admin/organizations/{id}/members',
  tag: 'Admin: organizations',
  summary: "Add a member, or change a member's role",
  auth: 'admin',
  params: idParam,
  body: named('PutMembershipRequest', putMembershipBody),
  response: named('Membership', membership),
  status: 200,
});

export const adminRemoveMemberRoute = defineRoute({
  operationId: 'adminRemoveMember',
  method: 'DELETE',
  path: '/api/v1/admin/organizations/{id}/members/{user_id}',
  tag: 'Admin: organizations',
  summary: 'Remove a member',
  auth: 'admin',
  params: memberParams,
  response: named('RemovedMembership', z.object({ org_id: z.string(), user_id: z.string(), deleted: z.literal(true) })),
  status: 200,
});
