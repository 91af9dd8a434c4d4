import type { User } from '@gguf/db';
import { iso } from '../shared/fields';
import type { UserObject } from './schemas';

export function serializeUser(row: User): UserObject {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    is_platform_admin: row.isPlatformAdmin,
    disabled_at: iso(row.disabledAt),
    last_login_at: iso(row.lastLoginAt),
    created_at: row.createdAt.toISOString(),
  };
}
