'use client';

import { Field, Input } from '../../../components/field';
import { ListEditor } from '../../../components/list-editor';
import { allowedModelsOf, type KeyFormState } from './key-form-state';

export interface OrgModelChoice {
  modelName: string;
  deploymentName: string;
}

/**
 * What a key may do on its own, inside the organization's limits: requests a minute, streams at once,
 * tokens a month, and which models it may call (the organization's, ticked, plus typed names, globs
 * or deployment ids). Shared by the create and edit forms.
 */
export function KeyLimitFields({
  state,
  update,
  errors,
  orgModels,
}: {
  state: KeyFormState;
  update: (patch: Partial<KeyFormState>) => void;
  errors: Record<string, string>;
  orgModels: OrgModelChoice[];
}) {
  const number = (key: 'rateLimitRpm' | 'maxConcurrentStreams' | 'tokenBudget', id: string) => (
    <Input id={id} inputMode="numeric" autoComplete="off" placeholder="No limit" value={state[key]} invalid={Boolean(errors[id])} onChange={(e) => update({ [key]: e.target.value })} />
  );
  const entries = allowedModelsOf(state);
  // Errors count in the combined list: a ticked name's error shows under the list, a typed entry's beside it.
  const tickedErrors = state.models.map((name, i) => errors[`allowed_models.${i}`] && `${name}: ${errors[`allowed_models.${i}`]}`).filter(Boolean);
  const listError = errors.allowed_models ?? tickedErrors[0];
  function toggle(name: string, on: boolean) {
    update({ models: on ? orgModels.map((m) => m.modelName).filter((n) => n === name || state.models.includes(n)) : state.models.filter((n) => n !== name) });
  }
  return (
    <>
      <Field id="rate_limit_rpm" label="Requests per minute" error={errors.rate_limit_rpm} hint="Empty: only the organization's limit.">
        {number('rateLimitRpm', 'rate_limit_rpm')}
      </Field>
      <Field id="max_concurrent_streams" label="Concurrent streams" error={errors.max_concurrent_streams} hint="Streaming responses at once.">
        {number('maxConcurrentStreams', 'max_concurrent_streams')}
      </Field>
      <Field id="token_budget" label="Monthly token budget" error={errors.token_budget} hint="Input + output tokens per UTC calendar month; over it, calls answer 429 until the 1st.">
        {number('tokenBudget', 'token_budget')}
      </Field>
      <fieldset className="col-span-full min-w-0">
        <legend className="text-sm font-medium">Allowed models</legend>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {entries.length === 0 ? 'None chosen: the key may call every model of the organization.' : `The key may call ${entries.length === 1 ? 'this entry' : `these ${entries.length} entries`} only; other models answer as if they did not exist.`}
        </p>
        {listError ? (
          <p role="alert" className="text-xs text-red-600 dark:text-red-400">
            {listError}
          </p>
        ) : null}
        <div className="mt-2 flex flex-wrap gap-x-5 gap-y-1">
          {orgModels.map((m) => (
            <label key={m.modelName} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={state.models.includes(m.modelName)} onChange={(e) => toggle(m.modelName, e.target.checked)} className="size-4 accent-indigo-600" />
              <code className="font-mono">{m.modelName}</code>
              {m.deploymentName !== m.modelName ? <span className="text-xs text-zinc-500">({m.deploymentName})</span> : null}
            </label>
          ))}
          {orgModels.length === 0 ? <p className="text-sm text-zinc-500">No deployments yet: type names or globs below.</p> : null}
        </div>
        <div className="mt-3 sm:max-w-md">
          <ListEditor
            id="allowed-model-entry"
            label="Other model names, globs or deployment ids"
            entries={state.extraModels}
            onChange={(extraModels) => update({ extraModels })}
            errorAt={(index) => errors[`allowed_models.${state.models.length + index}`]}
            placeholder="claude-*"
          />
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            <code>*</code> matches any text, e.g. <code>qwen-*</code>; a name may be of a model you deploy later.
          </p>
        </div>
      </fieldset>
    </>
  );
}
