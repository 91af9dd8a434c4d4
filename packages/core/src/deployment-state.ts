/**
 * The deployment lifecycle as one explicit transition table. Every status change anywhere in the
 * product goes through `transition`, so an illegal move (say, `stopped → running` without being
 * scheduled) is refused in one place instead of being half-handled in several.
 *
 *   pending → scheduling → pulling → starting → running → stopping → stopped
 *   running → sleeping → pending (scale to zero: idle, then woken by a request)
 *   any live status → failed;  any status → deleting → deleted
 *
 * Backward edges exist where the worker must retry: no capacity sends `scheduling` back to
 * `pending`, a crashed server sends `running` back to `starting`, a lost node or a settings change
 * sends a live deployment back to `pending` to be placed again.
 */
export const DEPLOYMENT_STATUSES = [
  'pending',
  'scheduling',
  'pulling',
  'starting',
  'running',
  'stopping',
  'stopped',
  'sleeping',
  'failed',
  'deleting',
  'deleted',
] as const;

export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const DESIRED_STATES = ['running', 'stopped', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

const TRANSITIONS: { readonly [from in DeploymentStatus]: readonly DeploymentStatus[] } = {
  pending: ['scheduling', 'stopped', 'failed', 'deleting'],
  scheduling: ['pending', 'pulling', 'starting', 'stopping', 'failed', 'deleting'],
  pulling: ['pending', 'starting', 'stopping', 'failed', 'deleting'],
  starting: ['pending', 'running', 'stopping', 'failed', 'deleting'],
  running: ['pending', 'starting', 'stopping', 'sleeping', 'failed', 'deleting'],
  stopping: ['stopped', 'failed', 'deleting'],
  stopped: ['pending', 'deleting'],
  // Woken (pending) by a request or a raised `replicas.min`; `running` again when a request came
  // before its node had stopped the server.
  sleeping: ['pending', 'running', 'stopped', 'deleting'],
  failed: ['pending', 'stopped', 'deleting'],
  deleting: ['deleted'],
  deleted: [],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: DeploymentStatus,
    readonly to: DeploymentStatus,
  ) {
    super(`a deployment cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function isDeploymentStatus(value: unknown): value is DeploymentStatus {
  return typeof value === 'string' && (DEPLOYMENT_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses reachable from `from` in one step. */
export function nextStatuses(from: DeploymentStatus): readonly DeploymentStatus[] {
  return TRANSITIONS[from];
}

/** Applies a transition: returns the new status, or throws `IllegalTransitionError`. */
export function transition(from: DeploymentStatus, to: DeploymentStatus): DeploymentStatus {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}

/**
 * Statuses in which a deployment may hold a node (its port, GPUs or CPU slot). In the others
 * (pending, stopped, failed, deleted) it holds nothing: a node or a GPU booking left on such a
 * deployment (a worker died mid-update) is released by whoever sees it. A sleeping one holds its
 * node only until its node's worker has stopped the server.
 */
export function holdsResources(status: DeploymentStatus): boolean {
  return (
    status === 'scheduling' || status === 'pulling' || status === 'starting' || status === 'running' || status === 'stopping' || status === 'sleeping' || status === 'deleting'
  );
}

/** Statuses of a deployment on its way up or serving: a lost node sends these back to `pending`. */
export function isLive(status: DeploymentStatus): boolean {
  return status === 'scheduling' || status === 'pulling' || status === 'starting' || status === 'running';
}

/** Statuses from which nothing more will happen without a new request. */
export function isSettled(status: DeploymentStatus): boolean {
  return status === 'running' || status === 'stopped' || status === 'sleeping' || status === 'failed' || status === 'deleted';
}
