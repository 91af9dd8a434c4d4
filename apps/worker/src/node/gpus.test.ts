import { describe, expect, it } from 'vitest';
import { gpuTypeMatches, parseNodeGpus, parseNvidiaSmi } from './gpus';

describe('NODE_GPUS', () => {
  it('declares GPUs as index:name:memoryMb, the name may contain spaces, a UUID may follow', () => {
    expect(parseNodeGpus('0:NVIDIA L4:23034, 1:NVIDIA L4:23034')).toEqual([
      { index: 0, type: 'NVIDIA L4', memoryMb: 23034 },
      { index: 1, type: 'NVIDIA L4', memoryMb: 23034 },
    ]);
    expect(parseNodeGpus('3:Tesla T4:15360:GPU-abc,2:A:1')).toEqual([
      { index: 2, type: 'A', memoryMb: 1 },
      { index: 3, type: 'Tesla T4', memoryMb: 15360, uuid: 'GPU-abc' },
    ]);
    expect(parseNodeGpus('none')).toEqual([]);
    expect(parseNodeGpus('')).toEqual([]);
  });

  it('names the entry it cannot read', () => {
    expect(() => parseNodeGpus('0:NVIDIA L4:23034,L4')).toThrow('NODE_GPUS entry 2 ("L4") must look like index:name:memoryMb, e.g. 0:NVIDIA L4:23034');
    expect(() => parseNodeGpus('0:A:1,0:B:2')).toThrow('NODE_GPUS declares GPU 0 twice');
  });
});

describe('nvidia-smi', () => {
  it('reads the CSV inventory', () => {
    const csv = '0, NVIDIA A100-SXM4-80GB, 81920, GPU-1111\n1, NVIDIA A100-SXM4-80GB, 81920, GPU-2222\n';
    expect(parseNvidiaSmi(csv)).toEqual([
      { index: 0, type: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920, uuid: 'GPU-1111' },
      { index: 1, type: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920, uuid: 'GPU-2222' },
    ]);
  });
});

describe('gpuTypeMatches', () => {
  it.each([
    ['NVIDIA L4', 'L4', true],
    ['NVIDIA L40S', 'L4', false],
    ['NVIDIA A100-SXM4-80GB', 'a100 80gb', true],
    ['NVIDIA A100-SXM4-40GB', 'A100-80GB', false],
    ['NVIDIA L4', null, true],
  ])('%s for %s: %s', (name, wanted, expected) => {
    expect(gpuTypeMatches(name, wanted)).toBe(expected);
  });
});
