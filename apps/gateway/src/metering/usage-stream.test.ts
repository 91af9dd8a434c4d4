import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from './usage-stream';

const usage = (modelName: string) => ({ apiKeyId: 'key_1', deploymentId: 'dep_1', orgId: 'org_1', modelName, inputTokens: 12, outputTokens: 3 });

describe('usage stream entries', () => {
  it('carry every request of a batch, whatever its model name holds', () => {
    const batch = [
      { usage: usage('qwen-coder'), at: 1_700_000_000_000 },
      { usage: usage('claude-3-5-haiku|x\n{"y":"z"}'), at: 1_700_000_000_001 },
      { usage: usage(''), at: 1_700_000_000_002 },
    ];
    expect(decodeEntry(encodeEntry(batch))).toEqual(batch);
  });

  it.each([
    ['not JSON', 'u=1'],
    ['not a list', '{"at":1}'],
    ['a short tuple', '[[1,2,3,"key_1","dep_1","org_1"]]'],
    ['a negative count', '[[1,-2,3,"key_1","dep_1","org_1","m"]]'],
    ['an empty id', '[[1,2,3,"","dep_1","org_1","m"]]'],
    ['a number for a model name', '[[1,2,3,"key_1","dep_1","org_1",5]]'],
  ])('leave out what is not usage: %s', (_, entry) => {
    expect(decodeEntry(entry)).toEqual([]);
  });
});
