import { adminUncordonNodeRoute, setNodeCordoned } from '@gguf/api';
import { withAdmin } from '../../../../../../../lib/api/handler';

export const POST = withAdmin(adminUncordonNodeRoute, ({ deps, scope, params }) => setNodeCordoned(deps, scope, params.id, false));
