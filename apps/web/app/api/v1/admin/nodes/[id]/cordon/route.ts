import { adminCordonNodeRoute, setNodeCordoned } from '@gguf/api';
import { withAdmin } from '../../../../../../../lib/api/handler';

export const POST = withAdmin(adminCordonNodeRoute, ({ deps, scope, params }) => setNodeCordoned(deps, scope, params.id, true));
