import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

function run(argv: string[], env: Record<string, string> = {}) {
  const result = parseArgs(argv, env);
  if (result.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(result)}`);
  return result.args;
}

describe('parseArgs', () => {
  it('accepts llama-server’s command line, short and long forms alike', () => {
    const args = run([
      '--host', '0.0.0.0', '--port', '8081', '--api-key', 'a,b', '-a', 'my-model', '-m', '/models/x.gguf', '-c', '8192', '-np', '2',
      '--embeddings', '-hf', 'org/repo:Q4_K_M', '-hff', 'c.gguf', '-mu', 'https://example.invalid/x.gguf', '-ngl', '99', '-fa', 'on',
      '-ctk', 'q8_0', '--cache-type-v', 'q4_0', '--jinja', '--reasoning-format', 'deepseek', '--chat-template', 'chatml', '--metrics',
      '--no-webui', '--slots', '-t', '4', '--log-disable', '-to', '30', '--no-mmap', '-b', '512', '-cb',
    ]);
    expect(args).toMatchObject({
      host: '0.0.0.0', port: 8081, apiKeys: ['a', 'b'], alias: 'my-model', model: '/models/x.gguf', ctxSize: 8192, parallel: 2,
      embeddings: true, hfRepo: 'org/repo:Q4_K_M', hfFile: 'c.gguf', modelUrl: 'https://example.invalid/x.gguf', gpuLayers: 99,
      flashAttn: 'on', cacheTypeK: 'q8_0', cacheTypeV: 'q4_0', jinja: true, reasoningFormat: 'deepseek', chatTemplate: 'chatml',
      metrics: true, webui: false, slots: true, threads: 4, logDisable: true,
    });
    expect(run(['--embedding', '--n-gpu-layers', '10']).gpuLayers).toBe(10);
    expect(run([]).slotPromptSimilarity).toBe(0.1);
    expect(run(['-sps', '0.5']).slotPromptSimilarity).toBe(0.5);
    expect(run(['--slot-prompt-similarity', '0']).slotPromptSimilarity).toBe(0);
    expect(parseArgs(['-sps', 'half'])).toMatchObject({ kind: 'error', message: expect.stringContaining('error while handling argument "-sps": stof') });
    expect(run(['--gpu-layers', '5', '--embedding']).embeddings).toBe(true);
  });

  it('reports unknown flags, missing values and bad values in llama.cpp’s words', () => {
    expect(parseArgs(['--bogus'])).toEqual({ kind: 'error', message: 'error: invalid argument: --bogus' });
    // A flag that takes no value must not swallow the next argument.
    expect(parseArgs(['--jinja', 'stray'])).toEqual({ kind: 'error', message: 'error: invalid argument: stray' });
    expect(parseArgs(['--port=8080'])).toMatchObject({ kind: 'error', message: 'error: invalid argument: --port=8080' });
    expect(parseArgs(['-m'])).toMatchObject({ kind: 'error', message: expect.stringContaining('error while handling argument "-m": expected value for argument') });
    expect(parseArgs(['--port', 'abc'])).toMatchObject({ kind: 'error', message: expect.stringContaining('error while handling argument "--port": stoi') });
    expect(parseArgs(['-fa', 'maybe'])).toMatchObject({ kind: 'error', message: expect.stringContaining("unknown value for --flash-attn: 'maybe'") });
    expect(parseArgs(['-ctk', 'q3'])).toMatchObject({ kind: 'error', message: expect.stringContaining('Unsupported cache type: q3') });
  });

  it('falls back to LLAMA_ARG_* variables, with the command line winning', () => {
    const env = { LLAMA_ARG_PORT: '9000', LLAMA_ARG_MODEL: '/env.gguf', LLAMA_ARG_EMBEDDINGS: '1', LLAMA_API_KEY: 'env-key' };
    expect(run([], env)).toMatchObject({ port: 9000, model: '/env.gguf', embeddings: true, apiKeys: ['env-key'] });
    expect(run(['--port', '9001', '--api-key', 'cli-key'], env)).toMatchObject({ port: 9001, apiKeys: ['cli-key'] });
  });

  it('handles --help and --version', () => {
    expect(parseArgs(['--help'])).toMatchObject({ kind: 'help', text: expect.stringContaining('-m, --model FNAME') });
    expect(parseArgs(['--version'])).toMatchObject({ kind: 'version' });
  });
});
