import { z } from 'zod';

/**
 * Where a deployment's GGUF file comes from. Every form is checked strictly, because each ends up
 * as a file on a GPU node: no path may climb out of the nodes' model library, URLs
 * must be https, and Hugging Face references must look like `owner/repo` + a `.gguf` file.
 */
const HF_REPO = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;
const GGUF_FILE = /^(?!.*\.\.)(?!\/)[\w.\-/]{1,255}\.gguf$/i;

export const huggingFaceModel = z.object({
  source: z.literal('huggingface'),
  repo: z.string().regex(HF_REPO, 'must be a Hugging Face repository like "owner/name"'),
  file: z.string().regex(GGUF_FILE, 'must be a .gguf file inside the repository'),
});

export const urlModel = z.object({
  source: z.literal('url'),
  url: z
    // abort: the checks below parse the URL, which throws (a 500) on anything that is not one.
    .url({ protocol: /^https$/, error: 'must be an https:// URL', abort: true })
    .max(2048, 'must be at most 2048 characters')
    .refine((value) => new URL(value).pathname.toLowerCase().endsWith('.gguf'), 'must point to a .gguf file'),
});

export const localModel = z.object({
  source: z.literal('local'),
  path: z.string().regex(GGUF_FILE, "must be a .gguf file's path inside the nodes' model library, without '..'"),
});

export const modelSource = z.discriminatedUnion('source', [huggingFaceModel, urlModel, localModel], {
  error: 'source must be one of "huggingface", "url", "local"',
});

export type ModelSource = z.infer<typeof modelSource>;

/** A short name for the model, used as llama-server's --alias and in /v1/models. */
export function modelDisplayName(model: ModelSource): string {
  const file = model.source === 'huggingface' ? model.file : model.source === 'url' ? new URL(model.url).pathname : model.path;
  return (file.split('/').pop() ?? file).replace(/\.gguf$/i, '');
}
