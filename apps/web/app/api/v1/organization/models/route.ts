import { listModels, listModelsRoute } from '@gguf/api';
import { withOrg } from '../../../../../lib/api/handler';

export const GET = withOrg(listModelsRoute, ({ deps, scope }) => listModels(deps, scope));
