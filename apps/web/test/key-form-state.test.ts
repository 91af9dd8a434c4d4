import { describe, expect, it } from 'vitest';
import { EMPTY_KEY_FORM, keyFormStateOf, toKeyBody } from '../app/(dashboard)/api-keys/key-form-state';
import { changedFields } from '../lib/dashboard/form-values';

const key = {
  id: 'key_1',
  name: 'backend',
  prefix: 'gguf_abcd',
  allowed_models: ['claude-*', 'qwen', 'dep_01m8nk2fpg0zebnpr1qdaykp4f'],
  rate_limit_rpm: 60,
  max_concurrent_streams: null,
  token_budget: 1_000_000,
  usage_this_month: 1234,
  created_at: '2026-01-01T00:00:00.000Z',
  last_used_at: null,
  expires_at: null,
};

describe('the API key form', () => {
  it('ticks the organization’s model names and keeps the rest as typed entries', () => {
    const state = keyFormStateOf(key, ['llama', 'qwen']);
    expect(state.models).toEqual(['qwen']);
    expect(state.extraModels).toEqual(['claude-*', 'dep_01m8nk2fpg0zebnpr1qdaykp4f']);
    expect(state.tokenBudget).toBe('1000000');
    expect(state.maxConcurrentStreams).toBe('');
  });

  it('sends empty limits as null (no limit of its own) and no models as every model', () => {
    expect(toKeyBody({ ...EMPTY_KEY_FORM, name: 'k', tokenBudget: '50,000' })).toEqual({
      name: 'k',
      allowed_models: [],
      rate_limit_rpm: null,
      max_concurrent_streams: null,
      token_budget: 50_000,
    });
  });

  it('patches only what changed: lifting a limit sends null, untouched fields stay home', () => {
    const initial = keyFormStateOf(key, ['qwen']);
    const edited = { ...initial, rateLimitRpm: '', models: [], extraModels: [...initial.extraModels, 'llama-*'] };
    expect(changedFields(toKeyBody(edited), toKeyBody(initial))).toEqual({
      rate_limit_rpm: null,
      allowed_models: ['claude-*', 'dep_01m8nk2fpg0zebnpr1qdaykp4f', 'llama-*'],
    });
  });
});
