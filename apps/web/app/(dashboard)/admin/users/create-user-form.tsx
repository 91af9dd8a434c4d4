'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../../components/button';
import { Card } from '../../../../components/card';
import { CopyField } from '../../../../components/copy-button';
import { Field, Input } from '../../../../components/field';
import { ErrorState } from '../../../../components/states';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { createUserAction } from './actions';

export function CreateUserForm() {
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const input = Object.fromEntries(new FormData(formElement));
    submit(
      () => createUserAction(input),
      (result) => {
        setCreated(result.ok ? result.value : null);
        if (result.ok) formElement.reset();
      },
    );
  }

  return (
    <Card title="Create a user">
      {created ? (
        <div role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40">
          <CopyField
            label={`Password for ${created.email}. Send it to them privately: it is not shown again. They sign in with it, with no organization until someone adds them to one.`}
            value={created.password}
            testId="new-user-password"
          />
          <Button variant="ghost" size="sm" className="mt-2" onClick={() => setCreated(null)}>
            Done
          </Button>
        </div>
      ) : null}
      {message ? <ErrorState title="The user was not created" message={message} /> : null}
      <form onSubmit={onSubmit} className="grid items-end gap-4 sm:grid-cols-[1fr_1fr_auto]" noValidate>
        <Field id="user-email" label="Email" error={errors.email}>
          <Input id="user-email" name="email" type="email" autoComplete="off" invalid={Boolean(errors.email)} />
        </Field>
        <Field id="user-name" label="Name" error={errors.name}>
          <Input id="user-name" name="name" autoComplete="off" invalid={Boolean(errors.name)} />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create user'}
        </Button>
      </form>
    </Card>
  );
}
