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

/** What a status means to its reader where the badge alone could mislead: a sleeping deployment still answers. */
const STATUS_NOTES: Partial<Record<DeploymentStatus, string>> = {
  sleeping: 'wakes on the next request',
};

export function statusNote(status: DeploymentStatus): string | null {
  return STATUS_NOTES[status] ?? null;
}

/** The worker's message and the status's note, as one line under a deployment's name. */
export function statusLine(d: { status: DeploymentStatus; status_message: string }): string {
  return [d.status_message, statusNote(d.status)].filter(Boolean).join(' — ');
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The deployment page's summary of scale to zero: off, or after how long it sleeps and how long a wake may take. */
export function describeScaling(d: { replicas: { min: number }; scale_down_after_s: number; wake_timeout_s: number }): string {
  if (d.replicas.min > 0) return 'off (always running)';
  return `after ${duration(d.scale_down_after_s)} idle; requests wait up to ${duration(d.wake_timeout_s)} while it wakes`;
}
