'use client';

import type { UserObject } from '@gguf/api';
import { useState, useTransition } from 'react';
import { Button } from '../../../../components/button';
import { ConfirmButton } from '../../../../components/confirm-button';
import { type UserChange, updateUserAction } from './actions';

/**
 * Disable / re-enable and grant / revoke platform admin for one user; the risky ones are confirmed.
 * Not offered on your own row: the API refuses to let an admin lock themselves out.
 */
export function UserActions({ user, isSelf }: { user: UserObject; isSelf: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const apply = async (change: UserChange) => {
    const result = await updateUserAction(user.id, change);
    setError(result.ok ? null : result.message);
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-2 whitespace-nowrap">
        {user.disabled_at ? (
          <Button variant="secondary" size="sm" disabled={pending} onClick={() => startTransition(() => apply({ disabled: false }))}>
            {pending ? 'Enabling…' : 'Enable'}
          </Button>
        ) : isSelf ? null : (
          <ConfirmButton
            label="Disable"
            title={`Disable ${user.email}?`}
            body="They are signed out at once and cannot sign in or use the dashboard until you enable them again. API keys they made belong to their organization and keep working."
            confirmLabel="Disable"
            variant="danger"
            action={() => apply({ disabled: true })}
          />
        )}
        {user.is_platform_admin ? (
          isSelf ? null : (
            <ConfirmButton
              label="Revoke admin"
              title={`Revoke platform admin from ${user.email}?`}
              body="They lose the admin pages and the admin API at once."
              confirmLabel="Revoke admin"
              variant="danger"
              action={() => apply({ is_platform_admin: false })}
            />
          )
        ) : (
          <ConfirmButton
            label="Make admin"
            title={`Make ${user.email} a platform admin?`}
            body="They can see and change every organization, deployment, node and user on the platform."
            confirmLabel="Make admin"
            action={() => apply({ is_platform_admin: true })}
          />
        )}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
