import { isId } from '@gguf/core';
import type { Database } from '@gguf/db';
import type { Tx } from '../deps';

/** Sign-out: this one session ends at once, whatever its cookie says. */
export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  if (!isId('session', sessionId)) return;
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** A password change or deactivation: every session of the user ends, in the transaction that made the change. */
export async function revokeUserSessions(tx: Tx | Database, userId: string): Promise<number> {
  const { count } = await tx.session.updateMany({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } }, data: { revokedAt: new Date() } });
  return count;
}
