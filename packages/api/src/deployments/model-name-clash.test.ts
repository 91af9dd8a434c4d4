import { describe, expect, it } from 'vitest';
import { describeModelNameClash, findModelNameClash, type NamedDeployment, normalizeAliases, uniqueModelName } from './model-name-clash';

const qwen: NamedDeployment = { id: 'dep_qwen', name: 'Qwen coder', modelName: 'qwen-coder', modelAliases: ['qwen', 'claude-*', 'gpt-4*'] };
const llama: NamedDeployment = { id: 'dep_llama', name: 'Llama', modelName: 'llama', modelAliases: ['claude-*-haiku-*', 'meta/llama-3'] };
const others = [qwen, llama];

describe('findModelNameClash', () => {
  it.each([
    // [model name, aliases, clashing field, the other deployment, as what]
    ['qwen-coder', [], 'model_name', qwen, 'model name'],
    ['qwen', [], 'model_name', qwen, 'alias'],
    ['meta/llama-3', [], 'model_name', llama, 'alias'],
    ['mine', ['llama'], 'model_aliases.0', llama, 'model name'],
    ['mine', ['x', 'qwen'], 'model_aliases.1', qwen, 'alias'],
    ['mine', ['claude-*'], 'model_aliases.0', qwen, 'alias'],
    ['mine', ['ok', 'claude-*-haiku-*'], 'model_aliases.1', llama, 'alias'],
  ] as const)('%s %j clashes on %s', (modelName, modelAliases, field, other, as) => {
    expect(findModelNameClash({ modelName, modelAliases }, others)).toEqual({ field, value: field === 'model_name' ? modelName : modelAliases.at(-1), other, otherHasItAs: as });
  });

  it.each([
    // Overlapping globs: resolution takes the most specific, so both may stand.
    ['mine', ['claude-*-sonnet-*', 'claude-3*', 'gpt-*']],
    // A glob may match another deployment's exact name: the exact name wins.
    ['mine', ['qwen-*', 'llam*']],
    // An exact name a glob of another deployment matches: the exact name wins.
    ['claude-sonnet-4', ['gpt-4o']],
    // Differing only by a suffix.
    ['qwen-coder-2', ['qwen2', 'llama-3']],
  ] as const)('%s %j is free', (modelName, modelAliases) => {
    expect(findModelNameClash({ modelName, modelAliases }, others)).toBeNull();
  });

  it('finds nothing among no others (the deployment itself is left out by the caller)', () => {
    expect(findModelNameClash({ modelName: qwen.modelName, modelAliases: qwen.modelAliases }, [llama])).toBeNull();
    expect(findModelNameClash({ modelName: 'a', modelAliases: [] }, [])).toBeNull();
  });

  it('reports the first clash in field order, model name first', () => {
    expect(findModelNameClash({ modelName: 'llama', modelAliases: ['qwen'] }, others)?.field).toBe('model_name');
  });

  it('names the other deployment by name and id', () => {
    const clash = findModelNameClash({ modelName: 'mine', modelAliases: ['qwen'] }, others);
    expect(clash && describeModelNameClash(clash)).toBe("The alias 'qwen' is already the alias of deployment 'Qwen coder' (dep_qwen); pick another or change that deployment first.");
  });
});

describe('uniqueModelName', () => {
  it.each([
    ['mistral', 'mistral'],
    ['qwen-coder', 'qwen-coder-2'],
    // An exact alias takes the name too.
    ['qwen', 'qwen-2'],
    // A glob does not: the exact name wins over it.
    ['claude-*', 'claude-*'],
    ['gpt-4o', 'gpt-4o'],
  ])('%s → %s', (slug, expected) => {
    expect(uniqueModelName(slug, others)).toBe(expected);
  });

  it('skips every taken suffix', () => {
    const taken = ['d', 'd-2', 'd-3'].map((modelName, i) => ({ id: `dep_${i}`, name: 'd', modelName, modelAliases: i === 2 ? ['d-4'] : [] }));
    expect(uniqueModelName('d', taken)).toBe('d-5');
  });
});

describe('normalizeAliases', () => {
  it('keeps each alias once, in order, without the model name itself', () => {
    expect(normalizeAliases('qwen', ['b', 'qwen', 'a', 'b', 'q-*', 'a'])).toEqual(['b', 'a', 'q-*']);
  });
});
