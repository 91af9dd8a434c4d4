import { describe, expect, it } from 'vitest';
import { type DeploymentFacts, decideOnServer, type NodeAction, type NodeObservation, type ServerFacts } from './node-decision';

const NOW = Date.parse('2026-11-30T09:00:00Z');
const srv = (over: Partial<ServerFacts> = {}): ServerFacts => ({ status: 'starting', generation: 3, restartCount: 0, lastExitAt: null, ...over });
const dep = (over: Partial<DeploymentFacts> = {}): DeploymentFacts => ({ desiredState: 'running', generation: 3, failedGeneration: null, replicasWanted: 1, ...over });
const seen = (over: Partial<NodeObservation> = {}): NodeObservation => ({
  processes: [],
  allocationFits: true,
  now: NOW,
  restartBackoffMs: 2_000,
  restartBackoffMaxMs: 120_000,
  ...over,
});
const proc = (generation: number, state: 'running' | 'exited' | 'created') => ({ generation, state });

// Each row: what the server and its deployment say, what the node shows, what happens next.
const TABLE: [name: string, server: Partial<ServerFacts>, deployment: Partial<DeploymentFacts>, observed: Partial<NodeObservation>, expected: NodeAction][] = [
  ['deleted, whatever runs', { status: 'ready' }, { desiredState: 'deleted' }, { processes: [proc(3, 'running')] }, { kind: 'remove', message: 'deleting', purge: true }],
  ['stopped while ready', { status: 'ready' }, { desiredState: 'stopped' }, { processes: [proc(3, 'running')] }, { kind: 'remove', message: 'stopping' }],
  ['stopped while still pulling', { status: 'pulling' }, { desiredState: 'stopped' }, {}, { kind: 'remove', message: 'stopping' }],
  ['marked stopping by the cluster side (scaled down)', { status: 'stopping' }, {}, { processes: [proc(3, 'running')] }, { kind: 'remove', message: 'server removed' }],
  ['its deployment failed at this generation (another server found out)', { status: 'ready' }, { failedGeneration: 3 }, { processes: [proc(3, 'running')] }, { kind: 'remove', message: 'the deployment failed' }],
  ['failed at an older generation: runs on', { status: 'ready' }, { failedGeneration: 2 }, { processes: [proc(3, 'running')] }, { kind: 'keep' }],
  ['asleep, its process still running', { status: 'ready' }, { replicasWanted: 0 }, { processes: [proc(3, 'running')] }, { kind: 'sleep' }],
  ['asleep, its process already gone', { status: 'ready' }, { replicasWanted: 0 }, {}, { kind: 'sleep' }],
  ['what it asks does not validate', {}, {}, { invalid: 'llama_args.foo is not allowed' }, { kind: 'fail', message: 'llama_args.foo is not allowed', reason: 'invalid_deployment' }],
  ['its GPU request changed', { status: 'ready' }, {}, { allocationFits: false }, { kind: 'remove', message: 'the GPU request changed; placing the server again', requeue: 'placing again' }],
  ['a new generation while ready', { status: 'ready', generation: 2 }, {}, { processes: [proc(2, 'running')] }, { kind: 'renew' }],
  ['a new generation while placed', { status: 'placed', generation: 2 }, {}, {}, { kind: 'renew' }],
  ['an older generation still runs', { status: 'starting' }, {}, { processes: [proc(2, 'running'), proc(1, 'exited')] }, { kind: 'remove-stale', generations: [2, 1] }],
  ['ready and its process runs', { status: 'ready' }, {}, { processes: [proc(3, 'running')] }, { kind: 'keep' }],
  ['ready but its process exited', { status: 'ready' }, {}, { processes: [proc(3, 'exited')] }, { kind: 'crashed' }],
  ['ready but its process is gone', { status: 'ready' }, {}, {}, { kind: 'crashed' }],
  ['starting and its process exited', {}, {}, { processes: [proc(3, 'exited')] }, { kind: 'start-failed' }],
  ['starting and its process runs', {}, {}, { processes: [proc(3, 'running')] }, { kind: 'await-ready' }],
  ['still pulling, yet a process of this generation runs', { status: 'pulling' }, {}, { processes: [proc(3, 'running')] }, { kind: 'adopt' }],
  ['placed, no process', { status: 'placed' }, {}, {}, { kind: 'pull' }],
  ['pulling, a process created but never started', { status: 'pulling' }, {}, { processes: [proc(3, 'created')] }, { kind: 'pull' }],
  ['starting, no process', {}, {}, {}, { kind: 'launch' }],
  ['restarting, backoff not over', { restartCount: 3, lastExitAt: new Date(NOW - 1_000) }, {}, {}, { kind: 'wait', ms: 6_400 - 1_000 }],
  ['restarting, backoff over', { restartCount: 3, lastExitAt: new Date(NOW - 6_400) }, {}, {}, { kind: 'launch' }],
  ['restarting, backoff capped', { restartCount: 30, lastExitAt: new Date(NOW - 95_000) }, {}, {}, { kind: 'wait', ms: 96_000 - 95_000 }],
];

describe('decideOnServer', () => {
  it.each(TABLE)('%s', (_name, server, deployment, observed, expected) => {
    expect(decideOnServer(srv(server), dep(deployment), seen(observed))).toEqual(expected);
  });
});
