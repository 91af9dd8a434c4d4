import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { findUser } from './find-user';
import type { UserObject } from './schemas';
import { serializeUser } from './serialize-user';

export async function getUser(deps: ApiDeps, _scope: AdminScope, id: string): Promise<UserObject> {
  return serializeUser(await findUser(deps.db, id));
}
