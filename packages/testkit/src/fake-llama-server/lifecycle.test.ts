import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelLoadError, startFakeLlamaServer, type FakeLlamaServer } from './index';

const started: FakeLlamaServer[] = [];

async function start(args: string[], env: Record<string, string> = {}) {
  const lines: string[] = [];
  const fake = await startFakeLlamaServer({ args, env, log: (level, line) => lines.push(`${level}: ${line}`) });
  started.push(fake);
  return { fake, lines };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

describe('loading', () => {
  it('answers 503 "Loading model" until the model has loaded, then 200', async () => {
    const { fake, lines } = await start(['--api-key', 'k'], { FAKE_LLAMA_LOAD_MS: '2000' });
    const loading = await fetch(`${fake.url}/health`);
    expect(loading.status).toBe(503);
    expect(await loading.json()).toEqual({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
    expect((await fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer k' } })).status).toBe(503);

    await fake.ready;
    const ready = await fetch(`${fake.url}/health`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
    expect(lines).toContain(`info: main: server is listening on http://127.0.0.1:${fake.port} - starting the main loop`);
    expect(lines).toContain('info: srv  update_slots: all slots are idle');
  });

  it('fails like llama.cpp for a missing model file, a missing download and a GPU out of memory', async () => {
    const missingFile = await start(['-m', '/nonexistent/model.gguf']);
    await expect(missingFile.fake.ready).rejects.toBeInstanceOf(ModelLoadError);
    expect(missingFile.lines).toContain('error: llama_model_load: error loading model: failed to open /nonexistent/model.gguf: No such file or directory');
    expect(missingFile.lines.at(-1)).toBe('error: main: exiting due to model loading error');

    const missingRepo = await start(['-hf', 'someone/missing-model-GGUF:Q4_K_M']);
    await expect(missingRepo.fake.ready).rejects.toThrow('invalid http status code received: 404');

    const oom = await start(['-m', '/dev/null'], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_OOM: '1' });
    await expect(oom.fake.ready).rejects.toThrow('cudaMalloc failed: out of memory');
    expect(oom.lines).toContain('error: llama_init_from_model: failed to initialize the context: failed to allocate buffer for kv cache');
    // A failed load takes the server down, as the process would exit.
    await expect(fetch(`${oom.fake.url}/health`)).rejects.toThrow();
  });

  it('rejects knobs that are not numbers instead of ignoring them', async () => {
    await expect(startFakeLlamaServer({ env: { FAKE_LLAMA_TOKEN_DELAY_MS: 'fast' } })).rejects.toThrow('FAKE_LLAMA_TOKEN_DELAY_MS must be a non-negative integer');
  });
});

describe('simulated crashes', () => {
  it('FAKE_LLAMA_CRASH_AFTER_MS takes the server down with a CUDA error', async () => {
    const { fake, lines } = await start([], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_CRASH_AFTER_MS: '100' });
    await fake.ready;
    await vi.waitFor(() => expect(lines).toContain('error: CUDA error: out of memory'));
    await expect(fetch(`${fake.url}/health`)).rejects.toThrow();
  });

  it('FAKE_LLAMA_EXIT_AFTER_TOKENS dies mid-stream with a GGML_ASSERT', async () => {
    const { fake, lines } = await start([], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_EXIT_AFTER_TOKENS: '3' });
    await fake.ready;
    const client = new OpenAI({ apiKey: 'none', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }], stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow();
    expect(text).toBe('This is a');
    expect(lines.some((line) => line.includes('GGML_ASSERT'))).toBe(true);
    await expect(fetch(`${fake.url}/health`)).rejects.toThrow();
  });
});
