'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { CopyButton } from '../../../components/copy-button';
import { Field, Input, Select } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { createApiKeyAction } from './actions';

const EXPIRY_DAYS = [
  { value: '', label: 'Never' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
];

export function CreateKeyForm({ deployments }: { deployments: { id: string; name: string }[] }) {
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const { errors, message, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = Number(form.get('expiry') || 0);
    const deploymentIds = form.getAll('deployment_ids').map(String);
    const body = {
      name: String(form.get('name') ?? ''),
      ...(deploymentIds.length > 0 ? { allowed_models: deploymentIds } : {}),
      ...(days > 0 ? { expires_at: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
    };
    const formElement = event.currentTarget;
    submit(
      () => createApiKeyAction(body),
      (result) => {
        if (!result.ok) return;
        setCreated(result.value);
        formElement.reset();
      },
    );
  }

  return (
    <Card title="Create a key">
      {created ? (
        <div role="status" className="mb-5 rounded-md border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40">
          <p className="text-sm font-semibold">Your new key “{created.name}”</p>
          <p className="mt-1 text-sm text-emerald-900 dark:text-emerald-300">Copy it now and keep it somewhere safe: you will not see it again.</p>
          <div className="mt-3 flex items-center gap-2">
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
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
        <Field id="key-name" label="Name" error={errors.name} hint="Where the key is used, e.g. “staging backend”.">
          <Input id="key-name" name="name" autoComplete="off" invalid={Boolean(errors.name)} />
        </Field>
        <Field id="expiry" label="Expires" error={errors.expires_at}>
          <Select id="expiry" name="expiry" defaultValue="">
            {EXPIRY_DAYS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium">Deployments</legend>
          <p className="text-xs text-zinc-500">Leave all unticked to allow every deployment of the organization.</p>
          {errors.allowed_models ? <p className="text-xs text-red-600">{errors.allowed_models}</p> : null}
          <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
            {deployments.map((d) => (
              <label key={d.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="deployment_ids" value={d.id} className="size-4 accent-indigo-600" />
                {d.name}
              </label>
            ))}
            {deployments.length === 0 ? <p className="text-sm text-zinc-500">No deployments yet.</p> : null}
          </div>
        </fieldset>
        <div className="sm:col-span-2">
          <Button type="submit" disabled={pending}>
            {pending ? 'Creating…' : 'Create key'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
