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
    [{ source: 'local', path: '/etc/passwd.gguf' }, "path: must be a .gguf file's path inside the nodes' model library, without '..'"],
    [{ source: 'local', path: 'a/../../b.gguf' }, "path: must be a .gguf file's path inside the nodes' model library, without '..'"],
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

  it.each([
    'tools', 'api_key', 'api_key_file', 'path', 'webui', 'webui_config_file', 'slot_save_path', 'media_path', 'models_dir', 'models_preset',
    'lora', 'lora_scaled', 'control_vector', 'control_vector_scaled', 'host', 'port', 'model', 'hf_repo', 'model_url', 'chat_template_file', 'ssl_key_file',
  ])('never accepts %s, which opens files, sockets or tools', (name) => {
    expect(issues(llamaArgs.safeParse({ [name]: name === 'tools' ? 'all' : '/etc/passwd' }))[0]).toMatch(/Unrecognized key/);
  });

  it('refuses values out of range or of the wrong type', () => {
    expect(issues(llamaArgs.safeParse({ batch_size: 8193 }))).toEqual(['batch_size: must be at most 8192']);
    expect(issues(llamaArgs.safeParse({ ubatch_size: 65_536 }))).toEqual(['ubatch_size: must be at most 8192']);
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
  const base = { modelPath: '/models/m.gguf', contextSize: 8192, parallel: 2, embeddings: false, llamaArgs: {}, apiKeyFile: '/run/llama/api-key', alias: 'm' };

  it('serves a model file on a TCP port', () => {
    expect(buildLlamaServerArgs({ ...base, listen: { host: '127.0.0.1', port: 20001 } })).toEqual([
      '--model', '/models/m.gguf', '--host', '127.0.0.1', '--port', '20001', '--api-key-file', '/run/llama/api-key', '--alias', 'm',
      '--ctx-size', '8192', '--parallel', '2', '--metrics', '--no-webui',
    ]);
  });

  it('serves on a Unix socket, with embeddings and extra options', () => {
    const args = buildLlamaServerArgs({ ...base, embeddings: true, llamaArgs: { n_gpu_layers: 99 }, listen: { socket: '/run/llama/llama.sock' } });
    expect(args.slice(0, 4)).toEqual(['--model', '/models/m.gguf', '--host', '/run/llama/llama.sock']);
    expect(args).not.toContain('--port');
    expect(args).toContain('--embeddings');
    expect(args.slice(-2)).toEqual(['--n-gpu-layers', '99']);
  });

  it('never puts a secret or a download source on the command line', () => {
    const args = buildLlamaServerArgs({ ...base, listen: { host: '127.0.0.1', port: 1 } });
    expect(args).not.toContain('--api-key');
    for (const flag of ['--hf-repo', '--hf-file', '--model-url', '-hf', '-mu']) expect(args).not.toContain(flag);
  });
});
