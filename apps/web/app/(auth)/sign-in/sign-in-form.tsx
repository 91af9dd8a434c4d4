'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/button';
import { Field, Input } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { tooManyAttemptsMessage, tooManyAttemptsSeconds } from '../../../lib/auth/too-many-attempts';

function signInFailure(code: string): string {
  if (code === 'CredentialsSignin') return 'Wrong email or password.';
  const wait = tooManyAttemptsSeconds(code);
  return wait === null ? 'Sign-in failed. Try again.' : tooManyAttemptsMessage(wait);
}

/** `next` is a path on this site (checked by the page), where a successful sign-in lands. */
export function SignInForm({ email, next }: { email?: string; next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn('credentials', { email: form.get('email'), password: form.get('password'), redirect: false }).catch(() => null);
    setPending(false);
    if (!result) return setError('Could not reach the server. Check your connection and try again.');
    if (result.error) return setError(signInFailure(result.error));
    router.replace(next);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error ? <ErrorState title="Could not sign in" message={error} /> : null}
      <Field id="email" label="Email">
        <Input id="email" name="email" type="email" autoComplete="email" required defaultValue={email} />
      </Field>
      <Field id="password" label="Password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
