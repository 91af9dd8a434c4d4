import { describe, expect, it } from 'vitest';
import { estimateGpuMemory } from '../lib/dashboard/memory-estimate';

describe('estimateGpuMemory', () => {
  it('adds weights, an f16 KV cache for the whole context and a compute buffer', () => {
    // 8192 tokens × 65536 elements × 2 bytes = 1 GiB of KV cache.
    expect(estimateGpuMemory({ modelSizeGb: 4, contextSize: 8192 })).toEqual({ weightsMb: 4096, kvCacheMb: 1024, totalMb: 4096 + 1024 + 512 });
  });

  it('shrinks the KV cache for a quantized cache type', () => {
    const f16 = estimateGpuMemory({ modelSizeGb: 1, contextSize: 32768 });
    const q8 = estimateGpuMemory({ modelSizeGb: 1, contextSize: 32768, cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' });
    expect(q8.kvCacheMb).toBeLessThan(f16.kvCacheMb);
    expect(q8.weightsMb).toBe(f16.weightsMb);
  });
});
