import { hashPassword } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import { revokeUserSessions } from '../auth/revoke-sessions';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import { findUser } from './find-user';
import type { UpdateUserInput, UserObject } from './schemas';
import { serializeUser } from './serialize-user';

/**
 * Renames, resets the password, disables/enables, or grants/removes platform admin. A new password
 * or disabling ends every session of the user in the same transaction: whoever held one signs in again.
 */
export async function updateUser(deps: ApiDeps, scope: AdminScope, id: string, input: UpdateUserInput): Promise<UserObject> {
  if (scope.actor.type === 'user' && scope.actor.id === id && (input.disabled === true || input.is_platform_admin === false)) {
    throw new ApiError('conflict', 'You cannot disable yourself or remove your own platform admin role.');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const row = await deps.db.$transaction(async (tx) => {
    const current = await findUser(tx, id);
    const updated = await tx.user.update({
      where: { id },
      data: {
        name: input.name,
        passwordHash,
        isPlatformAdmin: input.is_platform_admin,
        ...(input.disabled === undefined ? {} : { disabledAt: input.disabled ? (current.disabledAt ?? new Date()) : null }),
      },
    });
    if (input.password || input.disabled === true) await revokeUserSessions(tx, id);
    const { password: _password, ...details } = input;
    await writeAuditLog(tx, {
      ...scope,
      orgId: null,
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      details: { ...details, ...(input.password ? { password_reset: true } : {}) },
    });
    return updated;
  });
  return serializeUser(row);
}
