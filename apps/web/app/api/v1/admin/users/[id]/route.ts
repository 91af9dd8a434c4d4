import { adminGetUserRoute, adminUpdateUserRoute, getUser, updateUser } from '@gguf/api';
import { withAdmin } from '../../../../../../lib/api/handler';

export const GET = withAdmin(adminGetUserRoute, ({ deps, scope, params }) => getUser(deps, scope, params.id));

export const PATCH = withAdmin(adminUpdateUserRoute, ({ deps, scope, params, body }) => updateUser(deps, scope, params.id, body));
