'use client';

import type { MemberRole } from '@gguf/db';
import { useState, useTransition } from 'react';
import { Select } from '../../../components/field';
import { changeRoleAction } from './actions';

export function RoleSelect({ userId, role, label }: { userId: string; role: MemberRole; label: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <Select
        aria-label={label}
        className="w-32"
        value={role}
        disabled={pending}
        onChange={(event) =>
          startTransition(async () => {
            const result = await changeRoleAction(userId, event.target.value as MemberRole);
            setError(result.ok ? null : result.message);
          })
        }
      >
        <option value="owner">Owner</option>
        <option value="admin">Admin</option>
        <option value="member">Member</option>
      </Select>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
