'use client';

import { Field, Input } from '../../../components/field';
import { type DeploymentFormState, type FormFieldsProps, withReplicasMin } from './form-state';

/**
 * Replica bounds: the servers kept running and the most autoscaling may run. The minimum is 0 exactly when
 * the deployment scales to zero, so that box drives it (and a 0 typed here ticks the box). Changing them
 * restarts nothing.
 */
export function ReplicaFields({
  state,
  errors,
  update,
}: Omit<FormFieldsProps, 'update'> & { update: (change: (s: DeploymentFormState) => DeploymentFormState) => void }) {
  return (
    <fieldset className="min-w-0 space-y-2" aria-describedby="replicas-hint">
      <legend className="text-sm font-medium">Replicas</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="replicas.min" label="Minimum servers" error={errors['replicas.min']} hint={state.scaleToZero ? '0: it scales to zero when idle (below).' : 'Kept running, even when idle.'}>
          <Input
            id="replicas.min"
            inputMode="numeric"
            value={state.scaleToZero ? '0' : state.replicasMin}
            disabled={state.scaleToZero}
            invalid={Boolean(errors['replicas.min'])}
            onChange={(e) => update((s) => withReplicasMin(s, e.target.value))}
          />
        </Field>
        <Field id="replicas.max" label="Maximum servers" error={errors['replicas.max']} hint="Quotas count its GPUs this many times.">
          <Input
            id="replicas.max"
            inputMode="numeric"
            value={state.replicasMax}
            invalid={Boolean(errors['replicas.max'])}
            onChange={(e) => {
              const replicasMax = e.target.value;
              update((s) => ({ ...s, replicasMax }));
            }}
          />
        </Field>
      </div>
      <p id="replicas-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
        Autoscaling moves between them with the load: it adds a server while the requests in flight per server stay past the target concurrency, and takes one away once they stay under half of it. Each server has GPUs of its own and
        may run on another node. Changing these restarts nothing.
      </p>
      {errors.replicas ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {errors.replicas}
        </p>
      ) : null}
    </fieldset>
  );
}
