import { transitionTable } from './transition-table';

/**
 * The deployment lifecycle as one explicit transition table. A deployment's status is derived from
 * its servers (deployment-aggregate.ts) and written through `transition`, so a move the table does
 * not know is refused in one place instead of being half-handled in several.
 *
 *   pending → scheduling → pulling → starting → running → stopping → stopped
 *   running → sleeping → pending (scale to zero: idle, then woken by a request)
 *   any live status → failed;  any status → deleting → deleted
 *
 * Among the live statuses (pending to running) every move is possible: servers come and go on
 * their own (a second replica placed while the first restarts, a lost node, a crash), and the
 * deployment follows its most advanced one.
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

const LIVE = ['pending', 'scheduling', 'pulling', 'starting', 'running'] as const;
const others = (self: DeploymentStatus) => LIVE.filter((status) => status !== self);

const TABLE = transitionTable<DeploymentStatus>('a deployment', {
  pending: [...others('pending'), 'stopping', 'stopped', 'sleeping', 'failed', 'deleting'],
  scheduling: [...others('scheduling'), 'stopping', 'sleeping', 'failed', 'deleting'],
  pulling: [...others('pulling'), 'stopping', 'sleeping', 'failed', 'deleting'],
  starting: [...others('starting'), 'stopping', 'sleeping', 'failed', 'deleting'],
  running: [...others('running'), 'stopping', 'sleeping', 'failed', 'deleting'],
  // Asked to run again while stopping: its servers still up serve, the others are placed anew.
  stopping: [...LIVE, 'stopped', 'failed', 'deleting'],
  stopped: ['pending', 'deleting'],
  // Woken by a request or a raised `replicas.min`: placed again, or `running` again when a request
  // came before its servers had stopped.
  sleeping: [...LIVE, 'stopping', 'stopped', 'deleting'],
  // Failed while a server was still on its way out; then retried (a new generation) or stopped.
  failed: ['pending', 'stopping', 'stopped', 'deleting'],
  deleting: ['deleted'],
  deleted: [],
});

export function isDeploymentStatus(value: unknown): value is DeploymentStatus {
  return typeof value === 'string' && (DEPLOYMENT_STATUSES as readonly string[]).includes(value);
}

export const canTransition = TABLE.can;
export const nextStatuses = TABLE.next;
export const transition = TABLE.apply;

/** Statuses from which nothing more will happen without a new request. */
export function isSettled(status: DeploymentStatus): boolean {
  return status === 'running' || status === 'stopped' || status === 'sleeping' || status === 'failed' || status === 'deleted';
}
