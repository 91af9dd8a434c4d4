import { newId } from '@gguf/core';
import type { Database } from '@gguf/db';

/**
 * Records a dashboard sign-in: the session cookie carries this row's id, and the session is valid
 * only while the row is neither revoked nor expired (resolve-session.ts). Rows whose time is up are
 * deleted here, on sign-in, so the table holds roughly the sessions that could still be used.
 */
export async function startSession(db: Database, userId: string, maxAgeSeconds: number, now: Date = new Date()): Promise<string> {
  const id = newId('session', now.getTime());
  await db.$transaction([
    db.session.deleteMany({ where: { expiresAt: { lte: now } } }),
    db.session.create({ data: { id, userId, expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000) } }),
  ]);
  return id;
}
