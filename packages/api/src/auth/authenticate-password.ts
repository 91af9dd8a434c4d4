import { verifyPassword } from '@gguf/core';
import type { Database } from '@gguf/db';

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

/** A valid hash to compare against when the user is unknown, so a miss costs as long as a hit. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Email + password sign-in for the dashboard. Disabled users and users without a password are refused. */
export async function authenticatePassword(db: Database, email: string, password: string): Promise<SignedInUser | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !user.passwordHash || user.disabledAt) return null;
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin };
}
