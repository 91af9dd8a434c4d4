'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { CopyField } from '../../../components/copy-button';
import { Field, Input, Select } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { inviteAction } from './actions';

interface Invited {
  link: string;
  emailed: boolean;
  emailError?: string;
}

function linkLabel(invited: Invited): string {
  if (invited.emailed) return 'The invitation is on its way by email. The link, if they need it again, works once, for 7 days, and is not shown again.';
  const reason = invited.emailError ? `${invited.emailError} ` : '';
  return `${reason}Send this link to them yourself. It works once, for 7 days, and is not shown again.`;
}

export function InviteForm() {
  const [invited, setInvited] = useState<Invited | null>(null);
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    submit(
      () => inviteAction(input),
      (result) => setInvited(result.ok ? result.value : null),
    );
  }

  return (
    <Card title="Invite someone">
      {invited ? (
        <div role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40">
          <CopyField label={linkLabel(invited)} value={invited.link} testId="invite-link" />
        </div>
      ) : null}
      {message ? <ErrorState title="No invitation was made" message={message} /> : null}
      <form onSubmit={onSubmit} className="grid items-end gap-4 sm:grid-cols-[1fr_10rem_auto]" noValidate>
        <Field id="invite-email" label="Email" error={errors.email}>
          <Input id="invite-email" name="email" type="email" autoComplete="off" invalid={Boolean(errors.email)} />
        </Field>
        <Field id="invite-role" label="Role" error={errors.role}>
          <Select id="invite-role" name="role" defaultValue="member">
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? 'Inviting…' : 'Invite'}
        </Button>
      </form>
    </Card>
  );
}
