import type { Prisma } from '@gguf/db';
import type { Actor } from '../auth/principal';
import type { Tx } from '../deps';

export interface AuditEntry {
  actor: Actor;
  requestId: string;
  /** Null for platform-level actions (nodes, users). */
  orgId: string | null;
  /** Dotted verb, e.g. "deployment.create". */
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Prisma.InputJsonValue;
}

/** Always called with the transaction that makes the change, so a change without its audit row cannot commit. */
export async function writeAuditLog(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      orgId: entry.orgId,
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details,
      requestId: entry.requestId,
    },
  });
}
