import { type DeploymentStatus, isSettled, type ModelSource, modelDisplayName } from '@gguf/core';

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function formatDateTime(iso: string | null): string {
  return iso ? `${dateTime.format(new Date(iso))} UTC` : '—';
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en');
}

export function describeModel(model: ModelSource): { name: string; detail: string } {
  const detail = model.source === 'huggingface' ? `${model.repo} · ${model.file}` : model.source === 'url' ? model.url : `library: ${model.path}`;
  return { name: modelDisplayName(model), detail };
}

export function describeGpus(gpu: { count: number; type: string | null }): string {
  if (gpu.count === 0) return 'CPU only';
  return `${gpu.count} × ${gpu.type ?? 'any GPU'}`;
}

/** Statuses the worker is still moving through: pages showing them poll until they settle. */
export function isSettling(status: DeploymentStatus): boolean {
  return !isSettled(status);
}
