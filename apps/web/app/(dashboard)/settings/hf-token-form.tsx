'use client';

import type { FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ConfirmButton } from '../../../components/confirm-button';
import { Field, Input } from '../../../components/field';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { clearHfTokenAction, setHfTokenAction } from './actions';

/** Write-only: the stored token never comes back to the browser, so the field always starts empty. */
export function HfTokenForm({ tokenSet }: { tokenSet: boolean }) {
  const { errors, message, setMessage, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const token = String(new FormData(form).get('token') ?? '');
    submit(
      () => setHfTokenAction({ token }),
      (result) => {
        if (!result.ok) return;
        form.reset();
        setMessage('Saved. The token is stored encrypted and will not be shown again.');
      },
    );
  }

  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="min-w-64 flex-1">
          <Field id="hf-token" label="Hugging Face token" error={errors.token} hint="An access token with read access (hf_…), from huggingface.co/settings/tokens.">
            <Input id="hf-token" name="token" type="password" autoComplete="off" spellCheck={false} placeholder={tokenSet ? 'Enter a new token to replace it' : 'hf_…'} invalid={Boolean(errors.token)} />
          </Field>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : tokenSet ? 'Replace token' : 'Save token'}
        </Button>
        {tokenSet ? (
          <ConfirmButton
            label="Remove token"
            title="Remove the Hugging Face token?"
            body="Downloads of this organization's gated or private models fail until a token is set again."
            confirmLabel="Remove token"
            variant="danger"
            action={clearHfTokenAction}
          />
        ) : null}
      </form>
      {message ? (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          {message}
        </p>
      ) : null}
    </div>
  );
}
