import { execFile } from 'node:child_process';
import { type GpuEntry, parseGpuEntry } from '@gguf/core';

/**
 * NODE_GPUS: GPUs declared by hand, for machines where nvidia-smi cannot tell (a remote Docker
 * engine, test nodes): "index:name:memoryMb[:uuid]" entries separated by commas, e.g.
 * "0:NVIDIA L4:23034,1:NVIDIA L4:23034". The name may contain spaces. "none" declares no GPUs.
 */
export function parseNodeGpus(value: string): GpuEntry[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return [];
  const gpus = trimmed.split(',').map((entry, position) => {
    const gpu = parseGpuEntry(entry);
    if (!gpu) throw new Error(`NODE_GPUS entry ${position + 1} ("${entry.trim()}") must look like index:name:memoryMb, e.g. 0:NVIDIA L4:23034`);
    return gpu;
  });
  const seen = new Set<number>();
  for (const gpu of gpus) {
    if (seen.has(gpu.index)) throw new Error(`NODE_GPUS declares GPU ${gpu.index} twice`);
    seen.add(gpu.index);
  }
  return gpus.sort((a, b) => a.index - b.index);
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(output: string): GpuEntry[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .flatMap((line) => {
      const [index, name, memory, uuid] = line.split(',').map((field) => field.trim());
      if (!index || !/^\d+$/.test(index) || !name) return [];
      const memoryMb = Number(memory);
      return [{ index: Number(index), type: name, memoryMb: Number.isFinite(memoryMb) ? Math.round(memoryMb) : 0, ...(uuid ? { uuid } : {}) }];
    });
}

/** The local GPUs per nvidia-smi; none when it is not installed or fails. */
export function detectNvidiaGpus(timeoutMs = 10_000): Promise<{ gpus: GpuEntry[]; note: string }> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,name,memory.total,uuid', '--format=csv,noheader,nounits'],
      { timeout: timeoutMs },
      (error, stdout) => {
        if (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          resolve({ gpus: [], note: missing ? 'nvidia-smi not found: no GPUs (declare them with NODE_GPUS)' : `nvidia-smi failed: ${error.message}` });
          return;
        }
        const gpus = parseNvidiaSmi(stdout);
        resolve({ gpus, note: `nvidia-smi reports ${gpus.length} GPU(s)` });
      },
    );
  });
}

/**
 * Whether a GPU satisfies a deployment's `gpu.type`: every word of the request appears among the
 * words of the product name, case-insensitively. "L4" matches "NVIDIA L4" but not "NVIDIA L40S";
 * "A100 80GB" matches "NVIDIA A100-SXM4-80GB".
 */
export function gpuTypeMatches(gpuName: string, wanted: string | null | undefined): boolean {
  if (!wanted || wanted.trim() === '') return true;
  const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const have = new Set(words(gpuName));
  return words(wanted).every((word) => have.has(word));
}
