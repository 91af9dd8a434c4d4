import { clearHfToken, deleteHfTokenRoute, getHfTokenRoute, getHfTokenSetting, putHfTokenRoute, setHfToken } from '@gguf/api';
import { withOrg } from '../../../../../lib/api/handler';

export const GET = withOrg(getHfTokenRoute, ({ deps, scope }) => getHfTokenSetting(deps, scope));

export const PUT = withOrg(putHfTokenRoute, ({ deps, scope, body }) => setHfToken(deps, scope, body));

export const DELETE = withOrg(deleteHfTokenRoute, ({ deps, scope }) => clearHfToken(deps, scope));
