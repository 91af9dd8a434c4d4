import { adminCreateUserRoute, adminListUsersRoute, createUser, listUsers } from '@gguf/api';
import { withAdmin } from '../../../../../lib/api/handler';

export const POST = withAdmin(adminCreateUserRoute, ({ deps, scope, body }) => createUser(deps, scope, body));

export const GET = withAdmin(adminListUsersRoute, ({ deps, scope, query }) => listUsers(deps, scope, query));
