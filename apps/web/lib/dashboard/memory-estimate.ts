/**
 * A rough GPU memory estimate for the new-deployment form: the weights (the GGUF file is loaded
 * whole), the KV cache llama-server allocates for the whole context (shared by all slots), and a
 * compute buffer. The model's shape is unknown before it is downloaded, so the KV cache assumes a
 * typical 7–8B model with grouped-query attention: 32 layers × 8 KV heads × 128 dims × K and V.
 */
const KV_ELEMENTS_PER_TOKEN = 32 * 8 * 128 * 2;
const COMPUTE_BUFFER_MB = 512;

/** Bytes per KV element by cache type (llama.cpp block formats, rounded). */
const CACHE_BYTES: Record<string, number> = {
  f32: 4, f16: 2, bf16: 2, q8_0: 1.0625, q5_0: 0.6875, q5_1: 0.75, q4_0: 0.5625, q4_1: 0.625, iq4_nl: 0.5625,
};

export interface MemoryEstimate {
  weightsMb: number;
  kvCacheMb: number;
  totalMb: number;
}

export function estimateGpuMemory(input: { modelSizeGb: number; contextSize: number; cacheTypeK?: string; cacheTypeV?: string }): MemoryEstimate {
  const weightsMb = Math.round(input.modelSizeGb * 1024);
  const bytesPerElement = ((CACHE_BYTES[input.cacheTypeK ?? 'f16'] ?? 2) + (CACHE_BYTES[input.cacheTypeV ?? 'f16'] ?? 2)) / 2;
  const kvCacheMb = Math.round((input.contextSize * KV_ELEMENTS_PER_TOKEN * bytesPerElement) / (1024 * 1024));
  return { weightsMb, kvCacheMb, totalMb: weightsMb + kvCacheMb + COMPUTE_BUFFER_MB };
}
