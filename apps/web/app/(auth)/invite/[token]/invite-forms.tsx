'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState, useTransition } from 'react';
import { Button } from '../../../../components/button';
import { Field, Input } from '../../../../components/field';
import { ErrorState } from '../../../../components/states';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { acceptInviteAction, signUpInvitedAction } from './actions';

export function AcceptInvite({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? <ErrorState title="Could not join" message={error} /> : null}
      <Button
        className="w-full"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInviteAction(token);
            if (!result.ok) setError(result.message);
          })
        }
      >
        {pending ? 'Joining…' : 'Accept invitation'}
      </Button>
    </div>
  );
}

export function InvitedSignUp({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    submit(
      () => signUpInvitedAction(token, input),
      async (result) => {
        if (!result.ok) return;
        await signIn('credentials', { email, password: input.password, redirect: false });
        router.replace('/deployments');
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {message ? <ErrorState title="Could not create the account" message={message} /> : null}
      <Field id="invite-email" label="Email">
        <Input id="invite-email" value={email} readOnly />
      </Field>
      <Field id="name" label="Your name" error={errors.name}>
        <Input id="name" name="name" autoComplete="name" invalid={Boolean(errors.name)} />
      </Field>
      <Field id="password" label="Password" hint="At least 12 characters." error={errors.password}>
        <Input id="password" name="password" type="password" autoComplete="new-password" invalid={Boolean(errors.password)} />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account and join'}
      </Button>
    </form>
  );
}
