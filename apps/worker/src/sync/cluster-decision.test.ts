import { describe, expect, it } from 'vitest';
import { type ClusterAction, type ClusterFacts, decideInCluster, type ServerFacts } from './cluster-decision';

const row = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  status: 'pending',
  desiredState: 'running',
  generation: 2,
  failedGeneration: null,
  replicasMin: 1,
  replicasMax: 1,
  replicasWanted: 1,
  ...over,
});
const s = (id: string, status: ServerFacts['status']): ServerFacts => ({ id, status });
const leaving = (id: string, status: ServerFacts['status']): ServerFacts => ({ id, status, leaving: true });
const TOO_MANY = 'more servers than it wants: this one goes';
const DRAINED = 'its node is draining and its replacement is ready: this one goes';

// Each row: the deployment, its servers (oldest first), what the cluster side does next.
const TABLE: [name: string, facts: Partial<ClusterFacts>, servers: ServerFacts[], expected: ClusterAction, wakeWanted?: boolean][] = [
  ['deleted', { status: 'deleted', desiredState: 'deleted' }, [], { kind: 'done' }],
  ['to be deleted, no server left', { status: 'deleting', desiredState: 'deleted' }, [], { kind: 'finish-delete' }],
  ['to be deleted while pending', { status: 'pending', desiredState: 'deleted' }, [], { kind: 'finish-delete' }],
  ['to be deleted, its server still up', { status: 'running', desiredState: 'deleted' }, [s('a', 'ready')], { kind: 'settle', message: 'deleting' }],
  ['deleting, its nodes at work', { status: 'deleting', desiredState: 'deleted' }, [s('a', 'ready')], { kind: 'hand-to-nodes' }],
  ['to be stopped, running', { status: 'running', desiredState: 'stopped' }, [s('a', 'ready')], { kind: 'settle', message: 'stopping' }],
  ['stopping, its nodes at work', { status: 'stopping', desiredState: 'stopped' }, [s('a', 'ready')], { kind: 'hand-to-nodes' }],
  ['to be stopped, pending', { status: 'pending', desiredState: 'stopped' }, [], { kind: 'settle', message: 'stopped' }],
  ['to be stopped, failed', { status: 'failed', desiredState: 'stopped', failedGeneration: 2 }, [], { kind: 'settle', message: 'stopped' }],
  ['stopped as wished', { status: 'stopped', desiredState: 'stopped' }, [], { kind: 'done' }],
  ['stopped, to run', { status: 'stopped' }, [], { kind: 'settle', message: 'starting' }],
  ['failed at this generation', { status: 'failed', failedGeneration: 2 }, [], { kind: 'done' }],
  ['failed at an older generation', { status: 'failed', failedGeneration: 1 }, [], { kind: 'settle', message: 'retrying for generation 2' }],
  ['pending, no server', {}, [], { kind: 'place' }],
  ['two wanted, one placed', { status: 'scheduling', replicasMax: 2, replicasWanted: 2 }, [s('a', 'placed')], { kind: 'place' }],
  ['two wanted, one on its way out', { status: 'running', replicasMax: 2, replicasWanted: 2 }, [s('a', 'ready'), s('b', 'stopping')], { kind: 'place' }],
  ['as many as wanted', { status: 'running', replicasMax: 2, replicasWanted: 2 }, [s('a', 'ready'), s('b', 'starting')], { kind: 'hand-to-nodes' }],
  ['one too many: the least advanced goes', { status: 'running', replicasMax: 2, replicasWanted: 1 }, [s('a', 'ready'), s('b', 'pulling')], { kind: 'shrink', serverId: 'b', message: TOO_MANY }],
  ['one too many, equals: the newest goes', { status: 'running', replicasMax: 2, replicasWanted: 1 }, [s('a', 'ready'), s('b', 'ready')], { kind: 'shrink', serverId: 'b', message: TOO_MANY }],
  ['its node draining: a replacement is placed while it serves', { status: 'running' }, [leaving('a', 'ready')], { kind: 'place' }],
  ['its node draining, the replacement starting: it keeps serving', { status: 'running' }, [leaving('a', 'ready'), s('b', 'starting')], { kind: 'hand-to-nodes' }],
  ['its node draining, the replacement ready: it goes', { status: 'running' }, [leaving('a', 'ready'), s('b', 'ready')], { kind: 'shrink', serverId: 'a', message: DRAINED }],
  ['its node draining, already going', { status: 'running' }, [{ ...leaving('a', 'stopping') }, s('b', 'ready')], { kind: 'hand-to-nodes' }],
  ['max lowered below what it wants', { status: 'running', replicasMax: 1, replicasWanted: 2 }, [s('a', 'ready'), s('b', 'ready')], { kind: 'resize', replicas: 1 }],
  ['min raised above what it wants', { status: 'running', replicasMin: 2, replicasMax: 3, replicasWanted: 1 }, [s('a', 'ready')], { kind: 'resize', replicas: 2 }],
  ['running as wished', { status: 'running' }, [s('a', 'ready')], { kind: 'hand-to-nodes' }],
  ['its only server gone (a lost node)', { status: 'running' }, [], { kind: 'settle', message: 'placing it' }],
  ['asleep, its server draining', { status: 'sleeping', replicasMin: 0, replicasWanted: 0 }, [s('a', 'ready')], { kind: 'hand-to-nodes' }],
  ['asleep, a request waiting, its server still up', { status: 'sleeping', replicasMin: 0, replicasWanted: 0 }, [s('a', 'ready')], { kind: 'wake', replicas: 1, message: 'waking: a request is waiting for it' }, true],
  ['asleep, nobody waiting', { status: 'sleeping', replicasMin: 0, replicasWanted: 0 }, [], { kind: 'done' }],
  ['asleep, a request waiting', { status: 'sleeping', replicasMin: 0, replicasWanted: 0 }, [], { kind: 'wake', replicas: 1, message: 'waking: a request is waiting for it' }, true],
  ['asleep, replicas.min raised to 2', { status: 'sleeping', replicasMin: 2, replicasMax: 2, replicasWanted: 0 }, [], { kind: 'wake', replicas: 2, message: 'waking: replicas.min is above 0' }],
  ['asleep but stopped meanwhile', { status: 'sleeping', desiredState: 'stopped', replicasWanted: 0 }, [], { kind: 'settle', message: 'stopped' }],
];

describe('decideInCluster', () => {
  it.each(TABLE)('%s', (_name, facts, servers, expected, wakeWanted) => {
    expect(decideInCluster(row(facts), servers, wakeWanted)).toEqual(expected);
  });
});
