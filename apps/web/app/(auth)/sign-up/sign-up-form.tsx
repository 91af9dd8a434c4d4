'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { Button } from '../../../components/button';
import { Field, Input } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { signUpAction } from './actions';

const FIELDS = [
  { name: 'name', label: 'Your name', type: 'text', autoComplete: 'name' },
  { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
  { name: 'password', label: 'Password', type: 'password', autoComplete: 'new-password', hint: 'At least 12 characters.' },
  { name: 'organization', label: 'Organization name', type: 'text', autoComplete: 'organization', hint: 'Your deployments and keys live here; you can invite others later.' },
] as const;

export function SignUpForm() {
  const router = useRouter();
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = Object.fromEntries(new FormData(event.currentTarget));
    submit(
      () => signUpAction(input),
      async (result) => {
        if (!result.ok) return;
        const signedIn = await signIn('credentials', { email: input.email, password: input.password, redirect: false });
        if (signedIn?.ok) {
          router.replace('/deployments');
          router.refresh();
        } else router.replace(`/sign-in?email=${encodeURIComponent(result.value.email)}`);
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {message ? <ErrorState title="Could not create the account" message={message} /> : null}
      {FIELDS.map((field) => (
        <Field key={field.name} id={field.name} label={field.label} hint={'hint' in field ? field.hint : undefined} error={errors[field.name]}>
          <Input id={field.name} name={field.name} type={field.type} autoComplete={field.autoComplete} required invalid={Boolean(errors[field.name])} />
        </Field>
      ))}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  );
}
