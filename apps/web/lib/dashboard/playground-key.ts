import { mintPlaygroundKey as mint, type OrgScope } from '@gguf/api';
import { serverContext } from '../server/context';

/** A short-lived key scoped to one deployment, for one playground request (see @gguf/api). */
export function mintPlaygroundKey(scope: OrgScope, deploymentId: string): Promise<string> {
  return mint(serverContext().deps, scope, deploymentId);
}
