'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/button';
import { Field, Select } from '../../../components/field';
import { useActionForm } from '../../../lib/dashboard/use-action-form';
import { setDefaultDeploymentAction } from './actions';

/** Owners and admins pick the deployment that answers names matching nothing, or none (those answer 404). */
export function DefaultDeploymentForm({ deployments, current }: { deployments: { id: string; label: string }[]; current: string | null }) {
  const [chosen, setChosen] = useState(current ?? '');
  const { errors, message, setMessage, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    submit(
      () => setDefaultDeploymentAction({ default_deployment_id: chosen || null }),
      (result) => {
        if (result.ok) setMessage(chosen ? 'Saved: names that match nothing go to this deployment.' : 'Saved: names that match nothing answer 404.');
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
      <div className="min-w-56 flex-1 sm:max-w-sm">
        <Field id="default-deployment" label="Default deployment" error={errors.default_deployment_id}>
          <Select id="default-deployment" value={chosen} onChange={(e) => setChosen(e.target.value)} invalid={Boolean(errors.default_deployment_id)}>
            <option value="">None: unknown names answer 404</option>
            {deployments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Button type="submit" disabled={pending || chosen === (current ?? '')}>
        {pending ? 'Saving…' : 'Save default'}
      </Button>
      {message ? (
        <p role="status" className="basis-full text-sm text-zinc-600 dark:text-zinc-400">
          {message}
        </p>
      ) : null}
    </form>
  );
}
