'use client';

import type { ApiKeyObject } from '@gguf/api';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../../components/button';
import { Card } from '../../../../components/card';
import { Field, Input } from '../../../../components/field';
import { ErrorState } from '../../../../components/states';
import { changedFields } from '../../../../lib/dashboard/form-values';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { updateApiKeyAction } from '../actions';
import { keyFormStateOf, type KeyFormState, toKeyBody } from '../key-form-state';
import { KeyLimitFields, type OrgModelChoice } from '../key-limit-fields';

/** Changes a key in place (PATCH): only the fields that differ are sent; the secret stays the same. */
export function EditKeyForm({ apiKey, orgModels }: { apiKey: ApiKeyObject; orgModels: OrgModelChoice[] }) {
  const router = useRouter();
  const [initial] = useState(() => keyFormStateOf(apiKey, orgModels.map((m) => m.modelName)));
  const [state, setState] = useState<KeyFormState>(initial);
  const { errors, message, setMessage, pending, submit } = useActionForm();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const changes = changedFields(toKeyBody(state), toKeyBody(initial));
    if (Object.keys(changes).length === 0) {
      setMessage('Nothing to save: no field was changed.');
      return;
    }
    submit(
      () => updateApiKeyAction(apiKey.id, changes),
      (result) => {
        if (result.ok) router.push('/api-keys');
      },
    );
  }

  return (
    <Card title="Name, models and limits">
      {message ? <ErrorState title="The key was not changed" message={message} /> : null}
      <form onSubmit={onSubmit} className="mt-2 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" noValidate>
        <Field id="key-name" label="Name" error={errors.name}>
          <Input id="key-name" autoComplete="off" value={state.name} invalid={Boolean(errors.name)} onChange={(e) => setState((s) => ({ ...s, name: e.target.value }))} />
        </Field>
        <KeyLimitFields state={state} update={(patch) => setState((s) => ({ ...s, ...patch }))} errors={errors} orgModels={orgModels} />
        <div className="col-span-full flex gap-2">
          <Button type="submit" disabled={pending}>
            {pending ? 'Saving…' : 'Save changes'}
          </Button>
          <Button variant="ghost" onClick={() => router.push('/api-keys')}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
