import type { DeploymentStatus, ServerStatus } from '@gguf/core';
import type { ReactNode } from 'react';

type Tone = 'green' | 'yellow' | 'red' | 'zinc' | 'blue';

const TONES: Record<Tone, string> = {
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-400',
  yellow: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-400',
  red: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-400',
  zinc: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300',
  blue: 'bg-blue-50 text-blue-700 ring-blue-600/20 dark:bg-blue-500/10 dark:text-blue-400',
};

export function Badge({ tone = 'zinc', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}>{children}</span>;
}

const STATUS_TONE: Record<DeploymentStatus, Tone> = {
  pending: 'yellow',
  scheduling: 'yellow',
  pulling: 'blue',
  starting: 'blue',
  running: 'green',
  stopping: 'zinc',
  stopped: 'zinc',
  sleeping: 'blue',
  failed: 'red',
  deleting: 'zinc',
  deleted: 'zinc',
};

export function StatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    <span data-testid="status" data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{status}</Badge>
    </span>
  );
}

const SERVER_STATUS_TONE: Record<ServerStatus, Tone> = {
  placed: 'yellow',
  pulling: 'blue',
  starting: 'blue',
  ready: 'green',
  stopping: 'zinc',
};

/** One server's status (a replica of a deployment), in the deployment's colours. */
export function ServerStatusBadge({ status }: { status: ServerStatus }) {
  return (
    <span data-testid="server-status" data-status={status}>
      <Badge tone={SERVER_STATUS_TONE[status]}>{status}</Badge>
    </span>
  );
}
