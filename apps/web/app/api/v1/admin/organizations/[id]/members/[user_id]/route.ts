import { adminRemoveMemberRoute, removeMembership } from '@gguf/api';
import { withAdmin } from '../../../../../../../../lib/api/handler';

export const DELETE = withAdmin(adminRemoveMemberRoute, ({ deps, scope, params }) => removeMembership(deps, scope, params.id, params.user_id));
