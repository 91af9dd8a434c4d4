import { adminDrainNodeRoute, drainNode } from '@gguf/api';
import { withAdmin } from '../../../../../../../lib/api/handler';

export const POST = withAdmin(adminDrainNodeRoute, ({ deps, scope, params }) => drainNode(deps, scope, params.id));
