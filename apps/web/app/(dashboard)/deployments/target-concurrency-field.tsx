'use client';

import { Field, Input } from '../../../components/field';
import type { FormFieldsProps } from './form-state';

/**
 * Target concurrency: the requests in flight per server at which it counts as busy. Past it the gateway
 * sends a conversation to a less loaded server, and autoscaling adds one when the average stays above it.
 * Empty means the parallel slots. Changing it restarts nothing.
 */
export function TargetConcurrencyField({ state, errors, update }: FormFieldsProps) {
  return (
    <div className="sm:w-1/2">
      <Field
        id="target_concurrency"
        label="Target concurrency (requests per server)"
        error={errors.target_concurrency}
        hint="Requests in flight at which a server counts as busy: past it, new conversations go to a less loaded server, and autoscaling adds one. Empty: the parallel slots. Changing it restarts nothing."
      >
        <Input
          id="target_concurrency"
          inputMode="numeric"
          placeholder="same as parallel slots"
          value={state.targetConcurrency}
          invalid={Boolean(errors.target_concurrency)}
          onChange={(e) => update({ targetConcurrency: e.target.value })}
        />
      </Field>
    </div>
  );
}
