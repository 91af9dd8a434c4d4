'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../../components/button';
import { Card } from '../../../../components/card';
import { Field, Input, Select, Textarea } from '../../../../components/field';
import { ErrorState } from '../../../../components/states';
import { useActionForm } from '../../../../lib/dashboard/use-action-form';
import { registerNodeAction } from './actions';
import { errorsByField, type NodeFormFields } from './node-form-input';

const FIELDS: (keyof NodeFormFields)[] = ['name', 'docker_endpoint', 'address', 'network_mode', 'port_start', 'port_end', 'cpu_slots', 'gpus', 'tls_ca', 'tls_cert', 'tls_key'];

/** Registers a remote Docker engine; the worker started with its name connects to it (docs/operations.md). */
export function RegisterNodeForm() {
  const { errors, message, pending, submit } = useActionForm(errorsByField);
  const [registered, setRegistered] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const fields = Object.fromEntries(FIELDS.map((name) => [name, String(form.get(name) ?? '')])) as unknown as NodeFormFields;
    submit(
      () => registerNodeAction(fields),
      (result) => {
        setRegistered(result.ok ? result.value.name : null);
        if (result.ok) formElement.reset();
      },
    );
  }

  const text = (name: keyof NodeFormFields, label: string, props: { placeholder?: string; defaultValue?: string; inputMode?: 'numeric' } = {}) => (
    <Field id={`node-${name}`} label={label} error={errors[name]}>
      <Input id={`node-${name}`} name={name} autoComplete="off" invalid={Boolean(errors[name])} {...props} />
    </Field>
  );
  const pem = (name: keyof NodeFormFields, label: string) => (
    <Field id={`node-${name}`} label={label}>
      <Textarea id={`node-${name}`} name={name} rows={3} spellCheck={false} className="font-mono text-xs" placeholder="-----BEGIN …-----" />
    </Field>
  );

  return (
    <Card title="Register a remote Docker node">
      {registered ? (
        <p role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950/40">
          {registered} is registered. Start a worker with <code>NODE_NAME={registered}</code> (and no <code>DOCKER_HOST</code>) where it can reach the engine; the node
          turns ready when it connects.
        </p>
      ) : null}
      {message ? <ErrorState title="The node was not registered" message={message} /> : null}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-3">
          {text('name', 'Name', { placeholder: 'gpu-2' })}
          {text('docker_endpoint', 'Docker endpoint', { placeholder: 'tcp://10.0.0.5:2376 or ssh://deploy@gpu-2' })}
          {text('address', 'Address gateways dial', { placeholder: '10.0.0.5' })}
          <Field
            id="node-network_mode"
            label="Network mode"
            error={errors.network_mode}
            hint="none: servers have no network at all. host or bridge: they can reach the node's network and beyond, so firewall their egress."
          >
            <Select id="node-network_mode" name="network_mode" defaultValue="none" invalid={Boolean(errors.network_mode)}>
              <option value="none">none (sealed, recommended)</option>
              <option value="host">host (weaker)</option>
              <option value="bridge">bridge (weaker)</option>
            </Select>
          </Field>
          {text('port_start', 'First port', { defaultValue: '20000', inputMode: 'numeric' })}
          {text('port_end', 'Last port', { defaultValue: '20999', inputMode: 'numeric' })}
          {text('cpu_slots', 'CPU-only slots', { defaultValue: '4', inputMode: 'numeric' })}
        </div>
        <Field id="node-gpus" label="GPUs, one per line as index:type:memory MB" error={errors.gpus}>
          <Textarea id="node-gpus" name="gpus" rows={2} spellCheck={false} className="font-mono text-xs" placeholder="0:NVIDIA L4:23034" />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">TLS client material (required for tcp://; stored for the worker, never shown again)</legend>
          {errors.tls ? (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              {errors.tls}
            </p>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-3">
            {pem('tls_ca', 'CA certificate')}
            {pem('tls_cert', 'Client certificate')}
            {pem('tls_key', 'Client key')}
          </div>
        </fieldset>
        <Button type="submit" disabled={pending}>
          {pending ? 'Registering…' : 'Register node'}
        </Button>
      </form>
    </Card>
  );
}
