import { describe, expect, it } from 'vitest';
import { type DeploymentFacts, decideOnNode, type NodeAction, type NodeObservation } from './node-decision';

const NOW = Date.parse('2026-11-30T09:00:00Z');
const row = (over: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
  status: 'starting',
  desiredState: 'running',
  generation: 3,
  port: 41000,
  deployStep: 'g3:starting',
  restartCount: 0,
  lastExitAt: null,
  ...over,
});
const seen = (over: Partial<NodeObservation> = {}): NodeObservation => ({
  servers: [],
  allocationFits: true,
  now: NOW,
  restartBackoffMs: 2_000,
  restartBackoffMaxMs: 120_000,
  ...over,
});
const server = (generation: number, state: 'running' | 'exited' | 'created') => ({ generation, state });

const REPLACE = { kind: 'unplace', to: 'pending', requeue: 'placing again' } as const;

// Each row: what the deployment says, what the node shows, what happens next.
const TABLE: [name: string, facts: Partial<DeploymentFacts>, observed: Partial<NodeObservation>, expected: NodeAction | Partial<NodeAction>][] = [
  ['already deleted', { desiredState: 'deleted', status: 'deleted' }, { servers: [server(3, 'running')] }, { kind: 'done' }],
  ['already deleted, whatever is wished', { desiredState: 'stopped', status: 'deleted' }, {}, { kind: 'done' }],
  ['deleting, whatever runs', { desiredState: 'deleted', status: 'running' }, { servers: [server(3, 'running')] }, { kind: 'delete' }],
  ['deleted but not yet moved', { desiredState: 'deleted', status: 'pending' }, {}, { kind: 'delete' }],
  ['stopping a running deployment', { desiredState: 'stopped', status: 'running' }, { servers: [server(3, 'running')] }, { kind: 'stop' }],
  ['stopping one that is still pulling', { desiredState: 'stopped', status: 'pulling' }, {}, { kind: 'stop' }],
  ['stopped, still placed here (a worker died mid-update)', { desiredState: 'stopped', status: 'stopped' }, {}, { kind: 'unplace', to: 'stopped' }],
  ['stopped while failed', { desiredState: 'stopped', status: 'failed' }, {}, { kind: 'unplace', to: 'stopped' }],
  ['stopped while being deleted', { desiredState: 'stopped', status: 'deleting' }, {}, { kind: 'unplace' }],
  ['stopped while asleep, still placed here', { desiredState: 'stopped', status: 'sleeping' }, { servers: [server(3, 'running')] }, { kind: 'unplace', to: 'stopped' }],
  ['asleep, its server still running', { status: 'sleeping', deployStep: 'g3:ready' }, { servers: [server(3, 'running')] }, { kind: 'sleep' }],
  ['asleep, its server already gone', { status: 'sleeping', deployStep: 'g3:ready' }, {}, { kind: 'sleep' }],
  ['running wished, pending here', { status: 'pending' }, {}, { kind: 'unplace', requeue: 'released by node' }],
  ['running wished, failed here', { status: 'failed' }, { servers: [server(3, 'exited')] }, { kind: 'unplace', requeue: 'released by node' }],
  ['running wished while stopping', { status: 'stopping' }, {}, { kind: 'unplace', to: 'stopped', requeue: 'start after stop' }],
  ['running wished while deleting', { status: 'deleting' }, {}, { kind: 'done' }],
  ['no port', { port: null }, {}, { ...REPLACE, message: 'the deployment has no port on this node; placing it again' }],
  ['what it asks does not validate', {}, { invalid: 'llama_args.foo is not allowed' }, { kind: 'fail', message: 'llama_args.foo is not allowed', reason: 'invalid_deployment' }],
  ['its GPU request changed', {}, { allocationFits: false }, { ...REPLACE, message: 'the GPU request changed; placing the deployment again' }],
  ['a new generation', { deployStep: 'g2:ready' }, { servers: [server(2, 'running')] }, { kind: 'begin-generation' }],
  ['no step recorded yet', { deployStep: null }, {}, { kind: 'begin-generation' }],
  ['an older generation still runs', { status: 'running', deployStep: 'g3:placed' }, { servers: [server(2, 'running'), server(1, 'exited')] }, { kind: 'remove-stale', generations: [2, 1] }],
  ['running and its server runs', { status: 'running', deployStep: 'g3:ready' }, { servers: [server(3, 'running')] }, { kind: 'keep' }],
  ['running but its server exited', { status: 'running', deployStep: 'g3:ready' }, { servers: [server(3, 'exited')] }, { kind: 'crashed' }],
  ['running but its server is gone', { status: 'running', deployStep: 'g3:ready' }, {}, { kind: 'crashed' }],
  ['starting and its server exited', {}, { servers: [server(3, 'exited')] }, { kind: 'start-failed' }],
  ['starting and its server runs', { deployStep: 'g3:started' }, { servers: [server(3, 'running')] }, { kind: 'await-ready' }],
  ['still pulling, yet a server of this generation runs', { status: 'pulling' }, { servers: [server(3, 'running')] }, { kind: 'adopt' }],
  ['scheduling, no server', { status: 'scheduling', deployStep: 'g3:placed' }, {}, { kind: 'pull' }],
  ['pulling, a server created but never started', { status: 'pulling' }, { servers: [server(3, 'created')] }, { kind: 'pull' }],
  ['starting, no server', {}, {}, { kind: 'launch' }],
  ['restarting, backoff not over', { restartCount: 3, lastExitAt: new Date(NOW - 1_000) }, {}, { kind: 'wait', ms: 6_400 - 1_000 }],
  ['restarting, backoff over', { restartCount: 3, lastExitAt: new Date(NOW - 6_400) }, {}, { kind: 'launch' }],
  ['restarting, backoff capped', { restartCount: 30, lastExitAt: new Date(NOW - 95_000) }, {}, { kind: 'wait', ms: 96_000 - 95_000 }],
];

describe('decideOnNode', () => {
  it.each(TABLE)('%s', (_name, facts, observed, expected) => {
    expect(decideOnNode(row(facts), seen(observed))).toEqual(expected);
  });

});
