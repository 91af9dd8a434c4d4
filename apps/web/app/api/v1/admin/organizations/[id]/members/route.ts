import { adminListMembersRoute, adminPutMemberRoute, listMemberships, putMembership } from '@gguf/api';
import { withAdmin } from '../../../../../../../lib/api/handler';

export const GET = withAdmin(adminListMembersRoute, ({ deps, scope, params }) => listMemberships(deps, scope, params.id));

export const POST = withAdmin(adminPutMemberRoute, ({ deps, scope, params, body }) => putMembership(deps, scope, params.id, body));
