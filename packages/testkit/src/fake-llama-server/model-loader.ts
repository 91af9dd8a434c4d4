import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerArgs } from './args';
import type { Knobs } from './knobs';
import type { SlotLayout } from './slots';

/**
 * Model loading as llama-server logs it. The failure lines are the ones a worker distils into a deployment's
 * status message, so they follow llama.cpp's wording.
 */

/** The name responses carry: the alias, else the model file's name, else the Hugging Face repo, else "local". */
export function modelName(args: ServerArgs): string {
  if (args.alias) return args.alias;
  if (args.model) return basename(args.model);
  if (args.hfRepo) return args.hfRepo;
  if (args.modelUrl) return basename(new URL(args.modelUrl, 'file:///').pathname) || 'local';
  return 'local';
}

/** Where the model comes from, as llama.cpp names it in its logs. */
export function modelSource(args: ServerArgs): string {
  return args.model ?? args.hfRepo ?? args.modelUrl ?? 'local';
}

function downloadUrl(args: ServerArgs): string | undefined {
  if (args.modelUrl) return args.modelUrl;
  if (!args.hfRepo) return undefined;
  const [repo, tag] = args.hfRepo.split(':');
  return args.hfFile ? `https://huggingface.co/${repo}/resolve/main/${args.hfFile}` : `https://huggingface.co/v2/${repo}/manifests/${tag ?? 'latest'}`;
}

const LOAD_FAILED_TAIL = ['srv    operator(): operator(): cleaning up before exit...', 'main: exiting due to model loading error'];

function missingFileLines(path: string): string[] {
  return [
    `gguf_init_from_file: failed to open GGUF file '${path}'`,
    `llama_model_load: error loading model: failed to open ${path}: No such file or directory`,
    'llama_model_load_from_file_impl: failed to load model',
    `common_init_from_params: failed to load model '${path}'`,
    `srv    load_model: failed to load model, '${path}'`,
    ...LOAD_FAILED_TAIL,
  ];
}

function downloadFailedLines(url: string): string[] {
  return [
    `common_download_file_single: trying to download model from ${url}`,
    'common_download_file_single: invalid http status code received: 404',
    `error: failed to download model from ${url}`,
  ];
}

function outOfMemoryLines(source: string): string[] {
  return [
    'ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on device 0: cudaMalloc failed: out of memory',
    'alloc_tensor_range: failed to allocate CUDA0 buffer of size 9437184000',
    'llama_init_from_model: failed to initialize the context: failed to allocate buffer for kv cache',
    `common_init_from_params: failed to create context with model '${source}'`,
    `srv    load_model: failed to load model, '${source}'`,
    ...LOAD_FAILED_TAIL,
  ];
}

export class ModelLoadError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ModelLoadError';
  }
}

/**
 * "Loads" the model: fails at once for a missing download or file, otherwise takes FAKE_LLAMA_LOAD_MS and
 * then fails only if FAKE_LLAMA_OOM is set. Rejects with ModelLoadError (or the abort reason if `signal` fires).
 */
export async function loadModel(args: ServerArgs, knobs: Knobs, signal: AbortSignal): Promise<void> {
  const url = downloadUrl(args);
  if (url && /missing|notfound/i.test(args.hfRepo ?? args.modelUrl ?? '')) throw new ModelLoadError(downloadFailedLines(url));
  // With a download source, -m names where the download goes, so it need not exist yet.
  if (!url && args.model && !existsSync(args.model)) throw new ModelLoadError(missingFileLines(args.model));
  await sleep(knobs.loadMs, undefined, { signal });
  if (knobs.oom) throw new ModelLoadError(outOfMemoryLines(modelSource(args)));
}

/** What llama-server logs once the model is in memory, up to "model loaded". */
export function loadedLines(args: ServerArgs, layout: SlotLayout): string[] {
  const lines: string[] = [];
  if (args.gpuLayers !== undefined) lines.push(`load_tensors: offloaded ${args.gpuLayers} layers to GPU`);
  lines.push(
    `llama_context: n_ctx = ${layout.totalContext}, n_seq_max = ${layout.slotCount}, flash_attn = ${args.flashAttn}`,
    `llama_kv_cache: type_k = '${args.cacheTypeK}', type_v = '${args.cacheTypeV}'`,
    `srv          init: initializing slots, n_slots = ${layout.slotCount}`,
    'main: model loaded',
    `main: chat template, chat_template: ${args.chatTemplate ?? 'chatml'}, jinja: ${args.jinja}, reasoning_format: ${args.reasoningFormat}`,
  );
  return lines;
}
