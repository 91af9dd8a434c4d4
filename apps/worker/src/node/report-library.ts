import type { Database, Prisma } from '@gguf/db';
import type { NodeModels } from '../models/node-models';

/** How often the library is looked at again: admins add models by hand, so a minute is soon enough. */
export const LIBRARY_REPORT_INTERVAL_MS = 60_000;

/** Writes what the node's model library holds onto the node's row, for the admin API and dashboard. */
export async function reportLibrary(db: Database, nodeId: string, models: NodeModels): Promise<void> {
  const entries = await models.library();
  const library = entries.map((entry) => ({ path: entry.path, bytes: entry.bytes, modified_at: entry.modifiedAt })) satisfies Prisma.InputJsonValue;
  await db.node.update({ where: { id: nodeId }, data: { library } });
}
