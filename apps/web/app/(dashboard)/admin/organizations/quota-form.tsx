'use client';

import type { OrganizationObject } from '@gguf/api';
import type { FormEvent } from 'react';
import { Button } from '../../../../components/button';
import { Field, Input } from '../../../../components/field';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { updateQuotasAction } from './actions';

const QUOTAS = [
  { name: 'max_deployments', label: 'Max deployments', nullable: false },
  { name: 'max_gpus', label: 'Max GPUs', nullable: false },
  { name: 'max_api_keys', label: 'Max API keys', nullable: false },
  { name: 'rate_limit_rpm', label: 'Requests / min', nullable: true },
  { name: 'max_concurrent_streams', label: 'Concurrent streams', nullable: true },
] as const;

/** Blank means the platform default for the two gateway limits. */
function quotaValue(text: string, nullable: boolean): number | string | null {
  if (text.trim() === '') return nullable ? null : text;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

export function QuotaForm({ org }: { org: OrganizationObject }) {
  const { errors, message, setMessage, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = Object.fromEntries(QUOTAS.map((q) => [q.name, quotaValue(String(form.get(q.name) ?? ''), q.nullable)]));
    submit(
      () => updateQuotasAction(org.id, body),
      (result) => {
        if (result.ok) setMessage('Saved.');
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
      {QUOTAS.map((q) => {
        const id = `${org.id}-${q.name}`;
        return (
          <Field key={q.name} id={id} label={q.label} error={errors[q.name]}>
            <Input id={id} name={q.name} inputMode="numeric" className="w-32" defaultValue={org[q.name] ?? ''} placeholder={q.nullable ? 'default' : undefined} invalid={Boolean(errors[q.name])} />
          </Field>
        );
      })}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? 'Saving…' : 'Save quotas'}
      </Button>
      {message ? (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          {message}
        </p>
      ) : null}
    </form>
  );
}
