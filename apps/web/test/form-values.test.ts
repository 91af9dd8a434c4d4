import { describe, expect, it } from 'vitest';
import { withModelName, withName, emptyFormState, formStateOf, toRequestBody } from '../app/(dashboard)/deployments/form-state';
import { changedFields, numberOrText } from '../lib/dashboard/form-values';

describe('numberOrText', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['4096', 4096],
    [' 12 ', 12],
    ['1,000,000', 1_000_000],
    ['1_000', 1000],
    ['1 000 000', 1_000_000],
    ['1.5', 1.5],
    ['twelve', 'twelve'],
    ['1,2', '1,2'],
  ])('%j → %j', (typed, value) => {
    expect(numberOrText(typed)).toBe(value);
  });
});

describe('changedFields', () => {
  it('keeps only the fields whose values differ, nested ones compared whole', () => {
    const initial = { name: 'a', gpu: { count: 1 }, model_aliases: ['x'], llama_args: {} };
    expect(changedFields({ name: 'a', gpu: { count: 1 }, model_aliases: ['x'], llama_args: {} }, initial)).toEqual({});
    expect(changedFields({ name: 'b', gpu: { count: 2 }, model_aliases: ['x', 'y'], llama_args: {} }, initial)).toEqual({ name: 'b', gpu: { count: 2 }, model_aliases: ['x', 'y'] });
    expect(changedFields({ rate_limit_rpm: null }, { rate_limit_rpm: 60 })).toEqual({ rate_limit_rpm: null });
  });
});

describe('the deployment form’s model name', () => {
  it('follows the name as typed, slugged, until the user writes one; clearing it follows the name again', () => {
    let state = withName(emptyFormState(1), 'Qwen Coder 7B');
    expect(state.modelName).toBe('qwen-coder-7b');
    expect(toRequestBody(state, []).model_name).toBe('qwen-coder-7b');
    state = withModelName(state, 'coder');
    state = withName(state, 'Something else');
    expect(state.modelName).toBe('coder');
    state = withModelName(state, '');
    expect(state.modelName).toBe('something-else');
  });

  it('is left out of a new deployment’s body while no name is typed, so the API names it', () => {
    expect(toRequestBody(emptyFormState(1), [])).not.toHaveProperty('model_name');
  });

  it('never follows a rename of a saved deployment', () => {
    const saved = formStateOf({
      id: 'dep_1',
      name: 'tiny',
      model_name: 'tiny',
      model_aliases: ['claude-*'],
      status: 'running',
      desired_state: 'running',
      status_message: '',
      model: { source: 'local', path: 'a.gguf' },
      gpu: { count: 0, type: null },
      context_size: 4096,
      parallel: 1,
      embeddings: false,
      llama_args: {},
      replicas: { min: 1, max: 1 },
      scale_down_after_s: 900,
      wake_timeout_s: 600,
      generation: 1,
      base_url: 'http://127.0.0.1/api/gguf/dep_1',
      openai_base_url: 'http://127.0.0.1/api/gguf/dep_1/v1',
      model_sha256: null,
      model_bytes: null,
      download: null,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const renamed = withName(saved, 'tiny two');
    expect(renamed.modelName).toBe('tiny');
    expect(changedFields(toRequestBody(renamed, []), toRequestBody(saved, []))).toEqual({ name: 'tiny two' });
  });
});
