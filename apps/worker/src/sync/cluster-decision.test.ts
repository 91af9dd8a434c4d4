import { describe, expect, it } from 'vitest';
import { type ClusterAction, type ClusterFacts, decideInCluster } from './cluster-decision';

const row = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({ status: 'pending', desiredState: 'running', replicasMin: 1, generation: 2, deployStep: null, nodeId: null, ...over });

// Each row: the deployment, whether its node is up, what the cluster side does next.
const TABLE: [name: string, facts: Partial<ClusterFacts>, nodeReady: boolean, expected: ClusterAction, wakeWanted?: boolean][] = [
  ['deleted', { status: 'deleted', desiredState: 'deleted' }, false, { kind: 'done' }],
  ['placed on a node that is up', { status: 'starting', nodeId: 'node_a' }, true, { kind: 'hand-to-node' }],
  ['placed on a node that is down (the reconcile moves it)', { status: 'running', nodeId: 'node_a' }, false, { kind: 'done' }],
  ['being deleted, placed on a node that is up', { status: 'running', desiredState: 'deleted', nodeId: 'node_a' }, true, { kind: 'hand-to-node' }],
  ['to be deleted, on no node', { status: 'failed', desiredState: 'deleted' }, false, { kind: 'delete' }],
  ['to be deleted, already deleting', { status: 'deleting', desiredState: 'deleted' }, false, { kind: 'delete' }],
  ['stopped as wished', { status: 'stopped', desiredState: 'stopped' }, false, { kind: 'done' }],
  ['to be stopped, pending', { status: 'pending', desiredState: 'stopped' }, false, { kind: 'to-stopped' }],
  ['to be stopped, failed', { status: 'failed', desiredState: 'stopped' }, false, { kind: 'to-stopped' }],
  ['to be stopped, stopping on no node', { status: 'stopping', desiredState: 'stopped' }, false, { kind: 'to-stopped' }],
  ['to be stopped, live on no node', { status: 'starting', desiredState: 'stopped' }, false, { kind: 'to-pending', message: 'no longer placed on any node' }],
  ['pending', {}, false, { kind: 'place' }],
  ['failed at this generation', { status: 'failed', deployStep: 'g2:failed' }, false, { kind: 'done' }],
  ['failed at an older generation', { status: 'failed', deployStep: 'g1:failed' }, false, { kind: 'to-pending', message: 'retrying for generation 2' }],
  ['stopped, to run', { status: 'stopped' }, false, { kind: 'to-pending', message: 'starting' }],
  ['stopping on no node, to run', { status: 'stopping' }, false, { kind: 'to-stopped' }],
  ['deleting, to run', { status: 'deleting' }, false, { kind: 'done' }],
  ['running on no node', { status: 'running' }, false, { kind: 'to-pending', message: 'no longer placed on any node; placing it again' }],
  ['scheduling on no node', { status: 'scheduling' }, false, { kind: 'to-pending', message: 'no longer placed on any node; placing it again' }],
  ['asleep, still placed (its node lets go of it)', { status: 'sleeping', replicasMin: 0, nodeId: 'node_a' }, true, { kind: 'hand-to-node' }, true],
  ['asleep, nobody waiting', { status: 'sleeping', replicasMin: 0 }, false, { kind: 'done' }],
  ['asleep, a request waiting', { status: 'sleeping', replicasMin: 0 }, false, { kind: 'to-pending', message: 'waking: a request is waiting for it' }, true],
  ['asleep, replicas.min raised to 1', { status: 'sleeping', replicasMin: 1 }, false, { kind: 'to-pending', message: 'waking: replicas.min is above 0' }],
  ['asleep, to be stopped', { status: 'sleeping', replicasMin: 0, desiredState: 'stopped' }, false, { kind: 'to-stopped' }],
];

describe('decideInCluster', () => {
  it.each(TABLE)('%s', (_name, facts, nodeReady, expected, wakeWanted) => {
    expect(decideInCluster(row(facts), nodeReady, wakeWanted)).toEqual(expected);
  });
});
