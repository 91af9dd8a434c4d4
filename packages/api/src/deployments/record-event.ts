import type { Prisma } from '@gguf/db';
import type { Tx } from '../deps';

/** A timeline entry for an action taken through the API ("stop requested"); the worker adds the rest. */
export async function recordDeploymentEvent(tx: Tx, deploymentId: string, message: string, data?: Prisma.InputJsonValue): Promise<void> {
  await tx.deploymentEvent.create({ data: { deploymentId, type: 'api', message, data } });
}
