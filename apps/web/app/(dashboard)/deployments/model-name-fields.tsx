'use client';

import { Field, Input } from '../../../components/field';
import { ListEditor } from '../../../components/list-editor';
import { type DeploymentFormState, withModelName } from './form-state';

/**
 * The names the organization endpoint (/api/llm) knows the deployment by: its model name (the name
 * typed above, slugged, until the user writes one) and aliases, exact or `*` globs. A clash with
 * another deployment comes back from the API as a 409 on the field, naming that deployment.
 */
export function ModelNameFields({
  state,
  errors,
  update,
}: {
  state: DeploymentFormState;
  errors: Record<string, string>;
  update: (change: (s: DeploymentFormState) => DeploymentFormState) => void;
}) {
  const aliasesError = errors.model_aliases;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id="model_name"
        label="Model name"
        error={errors.model_name}
        hint={
          <>
            The <code>model</code> that picks this deployment on the organization endpoint. {state.modelNameEdited ? 'Clear it to follow the name again.' : 'Follows the name until you change it.'}
          </>
        }
      >
        <Input
          id="model_name"
          value={state.modelName}
          invalid={Boolean(errors.model_name)}
          placeholder="qwen-coder"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          onChange={(e) => update((s) => withModelName(s, e.target.value))}
        />
      </Field>
      <div className="min-w-0 space-y-1">
        <p className="text-sm font-medium">Aliases</p>
        <ListEditor
          id="model_aliases"
          label="New alias"
          entries={state.modelAliases}
          onChange={(modelAliases) => update((s) => ({ ...s, modelAliases }))}
          errorAt={(index) => errors[`model_aliases.${index}`]}
          placeholder="claude-*-haiku-*"
        />
        {aliasesError ? (
          <p role="alert" className="text-xs text-red-600 dark:text-red-400">
            {aliasesError}
          </p>
        ) : (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            More names for it: exact, or globs where <code>*</code> stands for any text (<code>claude-*</code> catches Claude Code&apos;s background calls). An exact name wins over a glob, the most specific glob over others.
          </p>
        )}
      </div>
    </div>
  );
}
