'use client';

import { Field, Input } from '../../../components/field';
import type { FormFieldsProps } from './form-state';

/**
 * Scale to zero, `replicas.min` 0 (errors on the bounds show on ReplicaFields): off, the deployment always
 * runs; on, it sleeps after the idle time (its GPUs go to others) and the next request wakes it, held by
 * the gateway for at most the wake timeout. Changing these restarts nothing.
 */
export function ScaleToZeroFields({ state, errors, update }: FormFieldsProps) {
  return (
    <div className="space-y-4">
      <div>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input
            id="scale_to_zero"
            type="checkbox"
            checked={state.scaleToZero}
            onChange={(e) => update({ scaleToZero: e.target.checked })}
            aria-describedby="scale_to_zero-hint"
            className="size-4 accent-indigo-600"
          />
          Scale to zero when idle
        </label>
        <p id="scale_to_zero-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Asleep, it frees its GPUs for other deployments. The next request wakes it and waits while the model loads, so that first answer is slower. Changing this restarts nothing.
        </p>
      </div>
      {state.scaleToZero ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="scale_down_after_s" label="Sleep after (minutes idle)" error={errors.scale_down_after_s} hint="Minutes without requests before it sleeps.">
            <Input
              id="scale_down_after_s"
              inputMode="decimal"
              value={state.idleMinutes}
              invalid={Boolean(errors.scale_down_after_s)}
              onChange={(e) => update({ idleMinutes: e.target.value })}
            />
          </Field>
          <Field id="wake_timeout_s" label="Wake timeout (seconds)" error={errors.wake_timeout_s} hint="How long a request waits for it to wake before it gets 503; a large model can take minutes to load.">
            <Input id="wake_timeout_s" inputMode="numeric" value={state.wakeTimeoutS} invalid={Boolean(errors.wake_timeout_s)} onChange={(e) => update({ wakeTimeoutS: e.target.value })} />
          </Field>
        </div>
      ) : null}
    </div>
  );
}
