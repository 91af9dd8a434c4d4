import { generatePassword, hashPassword, newId } from '@gguf/core';
import { writeAuditLog } from '../audit/write-audit-log';
import type { AdminScope } from '../auth/principal';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors/api-error';
import type { CreateUserInput, UserObject } from './schemas';
import { serializeUser } from './serialize-user';

export async function createUser(deps: ApiDeps, scope: AdminScope, input: CreateUserInput): Promise<UserObject & { password?: string }> {
  const email = input.email.trim().toLowerCase();
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const id = newId('user');
  const row = await deps.db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new ApiError('conflict', 'A user with this email already exists.', 'email');
    const created = await tx.user.create({ data: { id, email, name: input.name, passwordHash, isPlatformAdmin: input.is_platform_admin } });
    await writeAuditLog(tx, { ...scope, orgId: null, action: 'user.create', targetType: 'user', targetId: id, details: { email, platform_admin: input.is_platform_admin } });
    return created;
  });
  // A password the admin chose is not echoed back; a generated one is shown here once.
  return { ...serializeUser(row), ...(input.password ? {} : { password }) };
}
