import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented admin token with ADMIN_TOKEN in constant time. Both sides are hashed first
 * so the comparison neither depends on nor reveals the token's length.
 */
export function isAdminToken(presented: string, adminToken: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(adminToken));
}
