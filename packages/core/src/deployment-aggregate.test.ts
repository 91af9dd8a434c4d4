import { describe, expect, it } from 'vitest';
import { type AggregateFacts, aggregateStatus } from './deployment-aggregate';
import type { DeploymentStatus } from './deployment-state';

const base: AggregateFacts = { desiredState: 'running', generation: 2, failedGeneration: null, replicasWanted: 1, servers: [] };

describe('aggregateStatus', () => {
  it.each<[string, Partial<AggregateFacts>, DeploymentStatus]>([
    ['no server yet', {}, 'pending'],
    ['one placed', { servers: ['placed'] }, 'scheduling'],
    ['one pulling', { servers: ['pulling'] }, 'pulling'],
    ['one starting', { servers: ['starting'] }, 'starting'],
    ['one ready', { servers: ['ready'] }, 'running'],
    ['one ready beside one restarting', { servers: ['starting', 'ready'] }, 'running'],
    ['the most advanced of several', { servers: ['placed', 'pulling', 'starting'] }, 'starting'],
    ['only servers on their way out', { servers: ['stopping'] }, 'pending'],
    ['ready and one going', { servers: ['stopping', 'ready'] }, 'running'],
    ['asleep, its server draining', { replicasWanted: 0, servers: ['ready'] }, 'sleeping'],
    ['asleep, nothing left', { replicasWanted: 0 }, 'sleeping'],
    ['failed at this generation', { failedGeneration: 2 }, 'failed'],
    ['failed at this generation, a server still going', { failedGeneration: 2, servers: ['stopping'] }, 'failed'],
    ['failed at an older generation: placed again', { failedGeneration: 1 }, 'pending'],
    ['stopped with servers', { desiredState: 'stopped', servers: ['ready'] }, 'stopping'],
    ['stopped, nothing left', { desiredState: 'stopped' }, 'stopped'],
    ['stopped while failed', { desiredState: 'stopped', failedGeneration: 2 }, 'stopped'],
    ['stopped while asleep', { desiredState: 'stopped', replicasWanted: 0 }, 'stopped'],
    ['deleted with servers', { desiredState: 'deleted', servers: ['ready'] }, 'deleting'],
    ['deleted, nothing left (the cluster side writes deleted)', { desiredState: 'deleted' }, 'deleting'],
  ])('%s', (_name, facts, expected) => {
    expect(aggregateStatus({ ...base, ...facts })).toBe(expected);
  });
});
