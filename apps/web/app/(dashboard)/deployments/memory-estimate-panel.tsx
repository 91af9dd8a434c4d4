'use client';

import { Card } from '../../../components/card';
import { Field, Input } from '../../../components/field';
import type { FreeGpuType } from '../../../lib/dashboard/free-gpus';
import { estimateGpuMemory } from '../../../lib/dashboard/memory-estimate';
import type { DeploymentFormState } from './form-state';

const gb = (mb: number) => `${(mb / 1024).toFixed(1)} GB`;

/** The estimate against the memory of the GPUs chosen; a warning when it cannot fit. */
export function MemoryEstimatePanel({ state, gpuTypes, onModelSize }: { state: DeploymentFormState; gpuTypes: FreeGpuType[]; onModelSize: (value: string) => void }) {
  const size = Number(state.modelSizeGb);
  const context = Number(state.contextSize);
  const count = Number(state.gpuCount);
  const candidates = state.gpuType ? gpuTypes.filter((t) => t.type === state.gpuType) : gpuTypes;
  const perGpuMb = candidates.length > 0 ? Math.max(...candidates.map((t) => t.memoryMb)) : 0;
  const estimate = size > 0 && context > 0 ? estimateGpuMemory({ modelSizeGb: size, contextSize: context, cacheTypeK: state.llamaArgs.cache_type_k, cacheTypeV: state.llamaArgs.cache_type_v }) : null;
  const capacityMb = perGpuMb * count;
  return (
    <Card title="GPU memory estimate">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="model-size" label="Model file size (GB)" hint="From the model page; used only for this estimate.">
          <Input id="model-size" inputMode="decimal" value={state.modelSizeGb} onChange={(e) => onModelSize(e.target.value)} placeholder="e.g. 4.9" />
        </Field>
        <div className="text-sm" aria-live="polite">
          {estimate ? (
            <>
              <p>
                About <strong>{gb(estimate.totalMb)}</strong> needed: {gb(estimate.weightsMb)} weights + {gb(estimate.kvCacheMb)} KV cache for {context.toLocaleString('en')} tokens + compute buffer.
              </p>
              {count === 0 ? (
                <p className="mt-2 text-zinc-600 dark:text-zinc-400">CPU only: this much system memory is needed on the node.</p>
              ) : estimate.totalMb > capacityMb ? (
                <p role="alert" className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-500/10 dark:text-amber-300">
                  This will not fit: {count} × {gb(perGpuMb)} = {gb(capacityMb)} of GPU memory{perGpuMb === 0 ? ' (no such GPU is free)' : ''}. Choose more GPUs, a smaller context or a smaller quantization.
                </p>
              ) : (
                <p className="mt-2 text-emerald-700 dark:text-emerald-400">
                  Fits in {count} × {gb(perGpuMb)} = {gb(capacityMb)}.
                </p>
              )}
            </>
          ) : (
            <p className="text-zinc-600 dark:text-zinc-400">Enter the model file size to check that it fits. The KV cache assumes a typical 7–8B model.</p>
          )}
        </div>
      </div>
    </Card>
  );
}
