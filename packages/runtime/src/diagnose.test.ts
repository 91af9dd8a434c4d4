import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose';

// Lines as llama.cpp's llama-server prints them (and the fake reproduces).
const TAIL = ['srv    operator(): operator(): cleaning up before exit...', 'main: exiting due to model loading error'];

describe('diagnose', () => {
  it.each([
    [
      'a missing model file',
      ["gguf_init_from_file: failed to open GGUF file '/models/x.gguf'", 'llama_model_load: error loading model: failed to open /models/x.gguf: No such file or directory', ...TAIL],
      'model_not_found',
      'model file not found: /models/x.gguf',
    ],
    [
      'a failed download',
      [
        'common_download_file_single: trying to download model from https://huggingface.co/a/b/resolve/main/m.gguf',
        'common_download_file_single: invalid http status code received: 404',
        'error: failed to download model from https://huggingface.co/a/b/resolve/main/m.gguf',
      ],
      'download_failed',
      'downloading the model failed (https://huggingface.co/a/b/resolve/main/m.gguf)',
    ],
    [
      'running out of GPU memory',
      ['ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on device 0: cudaMalloc failed: out of memory', 'llama_init_from_model: failed to initialize the context', ...TAIL],
      'out_of_memory',
      'out of memory: the model and its context do not fit on the allocated GPUs (try a smaller quantization, a smaller context or more GPUs)',
    ],
    ['an unknown flag', ['error: invalid argument: --bogus'], 'bad_argument', 'llama-server does not know the argument --bogus'],
    [
      'a malformed value',
      ['error while handling argument "--ctx-size": stoi', '', 'usage:', '-c, --ctx-size N    size of the prompt context'],
      'bad_argument',
      'llama-server refused the argument --ctx-size: stoi',
    ],
    ['a taken port', ["main: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 20001"], 'port_in_use', 'port 20001 is already in use on the node'],
    [
      'an engine without the NVIDIA runtime',
      ['Docker could not start the container: could not select device driver "nvidia" with capabilities: [[gpu]]'],
      'gpu_unavailable',
      'the node cannot give the container its GPUs: could not select device driver "nvidia" with capabilities: [[gpu]] (is the NVIDIA Container Toolkit installed?)',
    ],
  ])('explains %s', (_, lines, reason, message) => {
    expect(diagnose(lines)).toEqual({ reason, message });
  });

  it('falls back to the last meaningful line and the exit code', () => {
    expect(diagnose(['srv  load_model: loading model', 'Segmentation fault', ...TAIL], { exitCode: 139 })).toEqual({
      reason: 'crashed',
      message: 'llama-server exited with code 139: Segmentation fault',
    });
    expect(diagnose([], { exitCode: 1 })).toEqual({ reason: 'crashed', message: 'llama-server exited with code 1 without output' });
  });
});
