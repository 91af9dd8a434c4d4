import { describe, expect, it } from 'vitest';
import { withModelName, withName, emptyFormState, formStateOf, toRequestBody } from '../app/(dashboard)/deployments/form-state';
import { changedFields, numberOrText } from '../lib/dashboard/form-values';
import { deploymentObject } from '../lib/testing/deployment-object';

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
    const saved = formStateOf(deploymentObject({ model_aliases: ['claude-*'] }));
    const renamed = withName(saved, 'tiny two');
    expect(renamed.modelName).toBe('tiny');
    expect(changedFields(toRequestBody(renamed, []), toRequestBody(saved, []))).toEqual({ name: 'tiny two' });
  });
});
