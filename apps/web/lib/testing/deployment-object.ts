import type { DeploymentObject } from '@gguf/api';

/** A deployment as the API answers it, for tests of what the dashboard makes of one: a running CPU-only model, changed by `overrides`. */
export function deploymentObject(overrides: Partial<DeploymentObject> = {}): DeploymentObject {
  return {
    id: 'dep_1',
    name: 'tiny',
    model_name: 'tiny',
    model_aliases: [],
    status: 'running',
    desired_state: 'running',
    status_message: '',
    model: { source: 'local', path: 'a.gguf' },
    gpu: { count: 0, type: null },
    context_size: 4096,
    parallel: 1,
    embeddings: false,
    llama_args: {},
    replicas: { min: 1, max: 1, inflight: 0, servers: [] },
    scale_down_after_s: 900,
    wake_timeout_s: 600,
    target_concurrency: null,
    generation: 1,
    base_url: 'http://127.0.0.1/api/gguf/dep_1',
    openai_base_url: 'http://127.0.0.1/api/gguf/dep_1/v1',
    model_sha256: null,
    model_bytes: null,
    download: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
