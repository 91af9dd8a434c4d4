import { describe, expect, it } from 'vitest';
import { awayAnswer, sleepingModelList } from './away-answer';

describe('awayAnswer: a GET to a deployment that is not serving', () => {
  it.each([
    // route, status, replicas.min, answer (the model list, or a 503's code)
    ['models', 'sleeping', 0, 'model-list'],
    ['models', 'pending', 0, 'model-list'],
    ['models', 'starting', 1, 'model-list'],
    ['models', 'running', 1, 'model-list'],
    ['health', 'sleeping', 0, 'deployment_sleeping'],
    ['health', 'pending', 0, 'deployment_sleeping'],
    ['health', 'starting', 0, 'deployment_sleeping'],
    // A restart (not scale to zero): not running, as before.
    ['health', 'starting', 1, 'deployment_not_running'],
    ['health', 'pulling', 1, 'deployment_not_running'],
    // Running, its only upstream just failed (ejected): not answering for now.
    ['health', 'running', 1, 'deployment_not_running'],
  ] as const)('%s on %s with replicas.min %i: %s', (route, status, replicasMin, expected) => {
    const answer = awayAnswer(route, { status, replicasMin }, 'Deployment dep_1');
    if (expected === 'model-list') expect(answer).toBe('model-list');
    else expect(answer).toMatchObject({ status: 503, code: expected, retryAfter: expect.any(Number) });
  });

  it('lists the model as llama-server names it (its --alias), in llama-server’s shape', () => {
    expect(sleepingModelList({ servedModelId: 'qwen2.5-0.5b-instruct-q4_k_m' }, 1_700_000_000_000)).toEqual({
      object: 'list',
      data: [{ id: 'qwen2.5-0.5b-instruct-q4_k_m', object: 'model', created: 1_700_000_000, owned_by: 'llamacpp' }],
    });
  });
});
