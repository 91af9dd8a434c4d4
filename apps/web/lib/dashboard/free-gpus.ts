import { type FreeGpuType, listFreeGpuTypes as list } from '@gguf/api';
import { serverContext } from '../server/context';

export type { FreeGpuType };

/** What the platform can place right now, by GPU type (see @gguf/api). */
export function listFreeGpuTypes(): Promise<FreeGpuType[]> {
  return list(serverContext().deps);
}
