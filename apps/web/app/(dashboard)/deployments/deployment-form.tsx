'use client';

import { type FormEvent, useEffect, useRef, useState, useTransition } from 'react';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { Field, Input, Select } from '../../../components/field';
import { ErrorState } from '../../../components/states';
import { Tabs } from '../../../components/tabs';
import type { ActionResult } from '../../../lib/dashboard/action-result';
import { changedFields } from '../../../lib/dashboard/form-values';
import type { FreeGpuType } from '../../../lib/dashboard/free-gpus';
import type { LlamaOption } from '../../../lib/dashboard/llama-options';
import { validateDeploymentAction } from './actions';
import { type DeploymentFormState, emptyFormState, type SourceKind, toRequestBody, withName } from './form-state';
import { ModelNameFields } from './model-name-fields';
import { LlamaOptionFields } from './llama-option-fields';
import { MemoryEstimatePanel } from './memory-estimate-panel';
import { ReplicaFields } from './replica-fields';
import { ScaleToZeroFields } from './scale-to-zero-fields';
import { TargetConcurrencyField } from './target-concurrency-field';

const VALIDATE_AFTER_MS = 400;

export function DeploymentForm({
  gpuTypes,
  llamaOptions,
  submit,
  submitLabel,
  initial,
}: {
  gpuTypes: FreeGpuType[];
  llamaOptions: LlamaOption[];
  submit: (body: unknown) => Promise<ActionResult>;
  submitLabel: string;
  /** The saved deployment, when editing: only the fields that differ from it are sent, so a rename redeploys nothing. */
  initial?: DeploymentFormState;
}) {
  const maxFree = Math.max(0, ...gpuTypes.map((t) => t.maxOnOneNode));
  const [state, setState] = useState<DeploymentFormState>(initial ?? emptyFormState(maxFree > 0 ? 1 : 0));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [touched, setTouched] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const validation = useRef(0);

  // Validate against the API's schema as the user types (debounced); only after the first edit.
  useEffect(() => {
    if (!touched) return;
    const run = ++validation.current;
    const timer = setTimeout(async () => {
      const result = await validateDeploymentAction(toRequestBody(state, llamaOptions));
      if (run === validation.current) setErrors(result.ok ? {} : (result.fieldErrors ?? {}));
    }, VALIDATE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state, touched, llamaOptions]);

  function update(patch: Partial<DeploymentFormState> | ((s: DeploymentFormState) => DeploymentFormState)) {
    setTouched(true);
    setState((s) => (typeof patch === 'function' ? patch(s) : { ...s, ...patch }));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body = toRequestBody(state, llamaOptions);
    const sent = initial ? changedFields(body, toRequestBody(initial, llamaOptions)) : body;
    if (Object.keys(sent).length === 0) {
      setMessage('Nothing to save: no field was changed.');
      return;
    }
    startTransition(async () => {
      const result = await submit(sent);
      if (result.ok) return;
      setErrors(result.fieldErrors ?? {});
      setMessage(result.message);
    });
  }

  const selectedType = gpuTypes.find((t) => t.type === state.gpuType);
  const countLimit = selectedType ? selectedType.maxOnOneNode : maxFree;
  const counts = Array.from({ length: Math.max(countLimit, Number(state.gpuCount) || 0) + 1 }, (_, i) => i);
  const text = (key: keyof DeploymentFormState, id: string, props: Record<string, unknown> = {}) => (
    <Input id={id} value={state[key] as string} invalid={Boolean(errors[id])} onChange={(e) => update({ [key]: e.target.value })} {...props} />
  );

  return (
    <form onSubmit={onSubmit} className="space-y-6" noValidate>
      {message ? <ErrorState title="The deployment was not saved" message={message} /> : null}
      <Card title="Name and model">
        <div className="space-y-4">
          <Field id="name" label="Name" error={errors.name} hint="Shown in lists; you can rename it later.">
            <Input id="name" value={state.name} invalid={Boolean(errors.name)} placeholder="my-llama" autoComplete="off" onChange={(e) => update((s) => withName(s, e.target.value))} />
          </Field>
          <ModelNameFields state={state} errors={errors} update={update} />
          <div>
            <p className="mb-1 text-sm font-medium">Model source</p>
            <Tabs
              initial={state.source}
              onChange={(source) => update({ source: source as SourceKind })}
              items={[
                {
                  id: 'huggingface',
                  label: 'Hugging Face',
                  content: (
                    <div className="grid gap-4 sm:grid-cols-2">
                      <Field id="model.repo" label="Repository" error={errors['model.repo']} hint="owner/name">
                        {text('repo', 'model.repo', { placeholder: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF' })}
                      </Field>
                      <Field id="model.file" label="GGUF file" error={errors['model.file']} hint="Path of the .gguf file in the repository">
                        {text('file', 'model.file', { placeholder: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' })}
                      </Field>
                    </div>
                  ),
                },
                {
                  id: 'url',
                  label: 'URL',
                  content: (
                    <Field id="model.url" label="https URL of a .gguf file" error={errors['model.url']}>
                      {text('url', 'model.url', { placeholder: 'https://example.com/models/model.gguf', type: 'url' })}
                    </Field>
                  ),
                },
                {
                  id: 'local',
                  label: 'Model store',
                  content: (
                    <Field id="model.path" label="File in the model store" error={errors['model.path']} hint="A model an administrator put in the nodes' library (MODELS_DIR/library), by its path there, e.g. llama/model-q4.gguf">
                      {text('path', 'model.path', { placeholder: 'model.gguf' })}
                    </Field>
                  ),
                },
              ]}
            />
          </div>
        </div>
      </Card>

      <Card title="Hardware and serving">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="gpu.type" label="GPU type" error={errors['gpu.type']} hint={gpuTypes.length === 0 ? 'No GPU is free right now; the deployment can run on CPU.' : undefined}>
            <Select id="gpu.type" value={state.gpuType} onChange={(e) => update({ gpuType: e.target.value })}>
              <option value="">Any type</option>
              {/* When editing, the deployment's own GPUs are allocated, so its type may have none free. */}
              {state.gpuType && !selectedType ? <option value={state.gpuType}>{state.gpuType}</option> : null}
              {gpuTypes.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type} — {t.free} free, {Math.round(t.memoryMb / 1024)} GB each
                </option>
              ))}
            </Select>
          </Field>
          <Field id="gpu.count" label="GPUs" error={errors['gpu.count']}>
            <Select id="gpu.count" value={state.gpuCount} onChange={(e) => update({ gpuCount: e.target.value })}>
              {counts.map((n) => (
                <option key={n} value={n}>
                  {n === 0 ? '0 (CPU only)' : n}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="context_size" label="Context size (tokens)" error={errors.context_size} hint="Shared by all parallel slots.">
            {text('contextSize', 'context_size', { inputMode: 'numeric' })}
          </Field>
          <Field id="parallel" label="Parallel slots" error={errors.parallel} hint="Requests served at once.">
            {text('parallel', 'parallel', { inputMode: 'numeric' })}
          </Field>
          <label className="flex items-center gap-2 text-sm sm:col-span-2">
            <input type="checkbox" checked={state.embeddings} onChange={(e) => update({ embeddings: e.target.checked })} className="size-4 accent-indigo-600" />
            Serve embeddings (<code>/v1/embeddings</code>)
          </label>
        </div>
      </Card>

      <Card title="Scaling">
        <div className="space-y-6">
          <ReplicaFields state={state} errors={errors} update={update} />
          <ScaleToZeroFields state={state} errors={errors} update={update} />
          <TargetConcurrencyField state={state} errors={errors} update={update} />
        </div>
      </Card>

      <MemoryEstimatePanel state={state} gpuTypes={gpuTypes} onModelSize={(modelSizeGb) => setState((s) => ({ ...s, modelSizeGb }))} />

      <details className="rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
        <summary className="cursor-pointer text-base font-semibold">Advanced llama-server options</summary>
        <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">Leave blank to use llama-server&apos;s default.</p>
        <LlamaOptionFields options={llamaOptions} values={state.llamaArgs} errors={errors} onChange={(name, value) => update({ llamaArgs: { ...state.llamaArgs, [name]: value } })} />
      </details>

      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </Button>
      </div>
    </form>
  );
}
