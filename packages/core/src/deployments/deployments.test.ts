import { describe, expect, it } from 'vitest';
import { llamaArgs, llamaArgsToFlags } from './llama-args';
import { modelDisplayName, modelSource } from './model-source';
import { buildLlamaServerArgs } from './server-args';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('modelSource', () => {
  it.each([
    [{ source: 'huggingface', repo: 'unsloth/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q4_K_M.gguf' }],
    [{ source: 'huggingface', repo: 'org/repo', file: 'sub/dir/model.Q8_0.gguf' }],
    [{ source: 'url', url: 'https://example.com/models/tiny.gguf' }],
    [{ source: 'local', path: 'tiny/model.gguf' }],
  ])('accepts %j', (value) => {
    expect(modelSource.safeParse(value).success).toBe(true);
  });

  it.each([
    [{ source: 'huggingface', repo: 'no-slash', file: 'a.gguf' }, 'repo: must be a Hugging Face repository like "owner/name"'],
    [{ source: 'huggingface', repo: 'a/b', file: 'model.bin' }, 'file: must be a .gguf file inside the repository'],
    [{ source: 'huggingface', repo: 'a/b', file: '../x.gguf' }, 'file: must be a .gguf file inside the repository'],
    [{ source: 'url', url: 'http://example.com/a.gguf' }, 'url: must be an https:// URL'],
    [{ source: 'url', url: 'https://example.com/a.bin' }, 'url: must point to a .gguf file'],
    [{ source: 'local', path: '/etc/passwd.gguf' }, "path: must be a .gguf file's path relative to the model store, without '..'"],
    [{ source: 'local', path: 'a/../../b.gguf' }, "path: must be a .gguf file's path relative to the model store, without '..'"],
    [{ source: 's3', path: 'x' }, 'source: source must be one of "huggingface", "url", "local"'],
  ])('refuses %j', (value, message) => {
    expect(issues(modelSource.safeParse(value))).toEqual([message]);
  });

  it('names the model after its file', () => {
    expect(modelDisplayName({ source: 'huggingface', repo: 'a/b', file: 'sub/Qwen3-Q4.gguf' })).toBe('Qwen3-Q4');
    expect(modelDisplayName({ source: 'url', url: 'https://h/x/tiny.GGUF' })).toBe('tiny');
    expect(modelDisplayName({ source: 'local', path: 'm.gguf' })).toBe('m');
  });
});

describe('llamaArgs', () => {
  it('refuses options outside the allowlist, naming them', () => {
    expect(issues(llamaArgs.safeParse({ host: '0.0.0.0', api_key: 'x' }))[0]).toMatch(/Unrecognized keys: "host", "api_key"/);
  });

  it('refuses values out of range or of the wrong type', () => {
    expect(issues(llamaArgs.safeParse({ n_gpu_layers: 1000 }))).toEqual(['n_gpu_layers: must be at most 999']);
    expect(issues(llamaArgs.safeParse({ threads: 1.5 }))).toEqual(['threads: must be a whole number']);
    expect(issues(llamaArgs.safeParse({ cache_type_k: 'q3' }))[0]).toMatch(/^cache_type_k: /);
    expect(issues(llamaArgs.safeParse({ flash_attn: '--evil' }))[0]).toMatch(/^flash_attn: /);
  });

  it('turns options into flags', () => {
    const args = llamaArgs.parse({ flash_attn: 'on', cache_type_k: 'q8_0', jinja: true, mlock: false, no_mmap: true, cont_batching: false, temperature: 0.7 });
    expect(llamaArgsToFlags(args)).toEqual(['--flash-attn', 'on', '--cache-type-k', 'q8_0', '--jinja', '--no-mmap', '--no-cont-batching', '--temp', '0.7']);
  });
});

describe('buildLlamaServerArgs', () => {
  const base = { contextSize: 8192, parallel: 2, embeddings: false, llamaArgs: {}, modelsDir: '/models/', host: '127.0.0.1', port: 20001 };

  it('builds a Hugging Face deployment', () => {
    expect(buildLlamaServerArgs({ ...base, model: { source: 'huggingface', repo: 'a/b', file: 'm.gguf' }, alias: 'dep_x' })).toEqual([
      '--hf-repo', 'a/b', '--hf-file', 'm.gguf', '--host', '127.0.0.1', '--port', '20001', '--alias', 'dep_x', '--ctx-size', '8192', '--parallel', '2', '--metrics', '--no-webui',
    ]);
  });

  it('builds URL and local deployments, with embeddings and extra options', () => {
    expect(buildLlamaServerArgs({ ...base, model: { source: 'url', url: 'https://h/m.gguf' } }).slice(0, 2)).toEqual(['--model-url', 'https://h/m.gguf']);
    const local = buildLlamaServerArgs({ ...base, embeddings: true, llamaArgs: { n_gpu_layers: 99 }, model: { source: 'local', path: 'dir/m.gguf' } });
    expect(local.slice(0, 2)).toEqual(['--model', '/models/dir/m.gguf']);
    expect(local).toContain('--embeddings');
    expect(local.slice(-2)).toEqual(['--n-gpu-layers', '99']);
  });

  it('never puts a secret on the command line', () => {
    expect(buildLlamaServerArgs({ ...base, model: { source: 'local', path: 'm.gguf' } })).not.toContain('--api-key');
  });
});
