import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** The executable as a worker launches it: plain `node` running bin/fake-llama-server (which builds its bundle on first use). */
const BIN = fileURLToPath(new URL('../../bin/fake-llama-server', import.meta.url));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
let dir: string;
let modelFile: string;

function spawnFake(args: string[], env: Record<string, string>) {
  // Only PATH from the outside: stray FAKE_LLAMA_* or LLAMA_ARG_* variables must not change what is tested.
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, ...output }));
  return { child, output, exited };
}

function runToExit(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return spawnFake(args, env).exited;
}

/** Starts the executable on a free port and waits until llama-server would report it idle. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const fake = spawnFake(['--port', '0', ...args], env);
  const port = await new Promise<number>((resolve, reject) => {
    fake.child.stdout?.on('data', () => {
      const match = /server is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fake.output.stdout);
      if (match && fake.output.stdout.includes('all slots are idle')) resolve(Number(match[1]));
    });
    void fake.exited.then((finished) => reject(new Error(`exited early: ${JSON.stringify(finished)}`)));
  });
  return { ...fake, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-llama-cli-'));
  modelFile = join(dir, 'tiny.Q4_K_M.gguf');
  await writeFile(modelFile, 'GGUF');
  // The first run builds dist/fake-llama-server.cjs; do it once here rather than inside a timed test.
  expect((await runToExit(['--version'])).code).toBe(0);
}, 120_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fake-llama-server executable', () => {
  it('rejects an unknown flag like llama-server', async () => {
    const result = await runToExit(['-m', '/x.gguf', '--bogus']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: invalid argument: --bogus\n');
  });

  it('reports a flag without its value', async () => {
    const result = await runToExit(['--ctx-size']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error while handling argument "--ctx-size": expected value for argument');
  });

  it('exits with llama.cpp’s lines when the model file is missing', async () => {
    const result = await runToExit(['--port', '0', '-m', '/models/absent.gguf']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('llama_model_load: error loading model: failed to open /models/absent.gguf: No such file or directory\n');
    expect(result.stderr).toContain('main: exiting due to model loading error\n');
  });

  it('exits when a Hugging Face download fails or the GPU runs out of memory', async () => {
    const download = await runToExit(['--port', '0', '--hf-repo', 'org/notfound-GGUF']);
    expect(download.code).toBe(1);
    expect(download.stderr).toContain('common_download_file_single: invalid http status code received: 404');

    const oom = await runToExit(['--port', '0', '-m', modelFile], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_OOM: '1' });
    expect(oom.code).toBe(1);
    expect(oom.stderr).toContain('cudaMalloc failed: out of memory');
  });

  it('serves with a full llama-server command line and exits 0 on SIGTERM', async () => {
    const fake = await serve(
      [
        '--host', '127.0.0.1', '--api-key', 'SECRET', '--alias', 'my-model', '-m', modelFile, '-c', '4096', '-np', '2', '--embeddings',
        '-ngl', '99', '--flash-attn', 'on', '--cache-type-k', 'q8_0', '--cache-type-v', 'q8_0', '--jinja', '--reasoning-format', 'deepseek',
        '--chat-template', 'chatml', '--metrics', '--no-webui', '--slots', '--threads', '4',
      ],
      { FAKE_LLAMA_LOAD_MS: '50' },
    );
    const models = await fetch(`${fake.url}/v1/models`, { headers: { authorization: 'Bearer SECRET' } });
    expect(((await models.json()) as { data: { id: string }[] }).data[0]?.id).toBe('my-model');
    expect(fake.output.stdout).toContain("llama_kv_cache: type_k = 'q8_0', type_v = 'q8_0'");

    // The connection the fetch above left open does not hold the exit back: the test's timeout would.
    fake.child.kill('SIGTERM');
    const finished = await fake.exited;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('srv  log_server_r: request: GET /v1/models 127.0.0.1 200');
    expect(finished.stdout).not.toContain('SECRET');
  });

  it('crashes with exit code 1 after FAKE_LLAMA_CRASH_AFTER_MS', async () => {
    const result = await runToExit(['--port', '0'], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_CRASH_AFTER_MS: '200' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CUDA error: out of memory');
  });

  it('exits mid-stream after FAKE_LLAMA_EXIT_AFTER_TOKENS', async () => {
    const fake = await serve([], { FAKE_LLAMA_LOAD_MS: '0', FAKE_LLAMA_EXIT_AFTER_TOKENS: '2' });
    const response = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'hello' }] }),
    });
    await expect(response.text()).rejects.toThrow();
    const finished = await fake.exited;
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain('GGML_ASSERT');
  });
});
