import { transitionTable } from './transition-table';

/**
 * A server is one running copy of a deployment on a node (a row of `servers`). Its lifecycle, as one
 * transition table (the deployment's own status is derived from its servers: deployment-aggregate.ts):
 *
 *   placed → pulling → starting → ready
 *   ready → starting                      (crashed, or a new generation: started again)
 *   any but stopping → stopping           (one too many: the cluster side marks it, its node removes it)
 *
 * A server that leaves (stopped, deleted, asleep, moved, one too many) has its row deleted, with its
 * port and GPUs, in the transaction that derives its deployment's status again.
 * A server that cannot run at its generation is removed at once and the deployment marked failed
 * for that generation, so there is no `failed` server.
 */
export const SERVER_STATUSES = ['placed', 'pulling', 'starting', 'ready', 'stopping'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

const TABLE = transitionTable<ServerStatus>('a server', {
  placed: ['pulling', 'starting', 'stopping'],
  pulling: ['starting', 'stopping'],
  starting: ['ready', 'stopping'],
  ready: ['starting', 'stopping'],
  stopping: [],
});

export const canServerTransition = TABLE.can;
export const serverTransition = TABLE.apply;
