'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { CopyButton } from '../../../components/copy-button';
import { Field, Input, Select } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { createApiKeyAction } from './actions';
import { EMPTY_KEY_FORM, type KeyFormState, toKeyBody } from './key-form-state';
import { KeyLimitFields, type OrgModelChoice } from './key-limit-fields';

const EXPIRY_DAYS = [
  { value: '', label: 'Never' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
];

export function CreateKeyForm({ orgModels }: { orgModels: OrgModelChoice[] }) {
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [state, setState] = useState<KeyFormState>(EMPTY_KEY_FORM);
  const [expiry, setExpiry] = useState('');
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const days = Number(expiry || 0);
    const body = { ...toKeyBody(state), ...(days > 0 ? { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() } : {}) };
    submit(
      () => createApiKeyAction(body),
      (result) => {
        if (!result.ok) return;
        setCreated(result.value);
        setState(EMPTY_KEY_FORM);
        setExpiry('');
      },
    );
  }

  return (
    <Card title="Create a key">
      {created ? (
        <div role="status" className="mb-5 rounded-md border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40">
          <p className="text-sm font-semibold">Your new key “{created.name}”</p>
          <p className="mt-1 text-sm text-emerald-900 dark:text-emerald-300">Copy it now and keep it somewhere safe: you will not see it again.</p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <code data-testid="new-key" className="min-w-0 flex-1 truncate rounded bg-white px-3 py-1.5 font-mono text-sm dark:bg-zinc-900">
              {created.key}
            </code>
            <CopyButton value={created.key} label="Copy key" />
            <Button variant="ghost" size="sm" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      ) : null}
      {message ? <ErrorState title="The key was not created" message={message} /> : null}
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" noValidate>
        <Field id="key-name" label="Name" error={errors.name} hint="Where the key is used, e.g. “staging backend”.">
          <Input id="key-name" autoComplete="off" value={state.name} invalid={Boolean(errors.name)} onChange={(e) => setState((s) => ({ ...s, name: e.target.value }))} />
        </Field>
        <Field id="expiry" label="Expires" error={errors.expires_at}>
          <Select id="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY_DAYS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        <KeyLimitFields state={state} update={(patch) => setState((s) => ({ ...s, ...patch }))} errors={errors} orgModels={orgModels} />
        <div className="col-span-full">
          <Button type="submit" disabled={pending}>
            {pending ? 'Creating…' : 'Create key'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
