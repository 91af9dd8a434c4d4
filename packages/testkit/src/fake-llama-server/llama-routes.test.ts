import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlamaServer, type FakeLlamaServer } from './index';

let plain: FakeLlamaServer;
let reranker: FakeLlamaServer;

beforeAll(async () => {
  const env = { FAKE_LLAMA_LOAD_MS: '0' };
  plain = await startFakeLlamaServer({ args: ['-np', '2', '-c', '4096', '--no-slots'], env });
  reranker = await startFakeLlamaServer({ args: ['--reranking', '--metrics', '-a', 'bge-reranker'], env });
  await Promise.all([plain.ready, reranker.ready]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), reranker?.close()]);
});

// Loosely typed on purpose: these tests poke at llama-server's raw JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(server: FakeLlamaServer, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

describe('tokenizer routes', () => {
  it('tokenizes and detokenizes losslessly', async () => {
    const content = 'Hello, world!  Tokens: 42.';
    const { json } = await call(plain, '/tokenize', { content });
    // Hello | , | ␣world | ! | ␣␣Tokens | : | ␣42 | .
    expect(json.tokens).toHaveLength(8);
    expect(json.tokens.every((id: unknown) => Number.isInteger(id))).toBe(true);
    expect((await call(plain, '/detokenize', { tokens: json.tokens })).json).toEqual({ content });

    const withPieces = await call(plain, '/tokenize', { content: 'Hello again', with_pieces: true });
    expect(withPieces.json.tokens).toEqual([
      { id: json.tokens[0], piece: 'Hello' },
      { id: expect.any(Number), piece: ' again' },
    ]);
  });
});

describe('rerank', () => {
  it('scores documents by overlap with the query, best first, honouring top_n', async () => {
    const documents = ['bananas are yellow', 'the capital of France is Paris', 'Paris, France'];
    const { status, json } = await call(reranker, '/v1/rerank', { query: 'capital of France', documents, top_n: 2 });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: 'bge-reranker', object: 'list', usage: { prompt_tokens: expect.any(Number) } });
    expect(json.results).toEqual([
      { index: 1, relevance_score: 1 },
      { index: 2, relevance_score: 1 / 3 },
    ]);
  });

  it('is refused unless started with --reranking, which in turn refuses chat', async () => {
    expect((await call(plain, '/rerank', { query: 'q', documents: ['d'] })).status).toBe(501);
    const chat = await call(reranker, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] });
    expect(chat).toMatchObject({ status: 501, json: { error: { type: 'not_supported_error' } } });
  });
});

describe('server information', () => {
  it('reports props and slots, and refuses endpoints that were not enabled', async () => {
    const props = await call(plain, '/props');
    expect(props.json).toMatchObject({ total_slots: 2, default_generation_settings: { n_ctx: 2048 } });
    expect((await call(plain, '/slots')).status).toBe(501);
    expect((await call(plain, '/metrics')).status).toBe(501);

    const slots = await call(reranker, '/slots');
    expect(slots.json).toHaveLength(4);
    expect(slots.json[0]).toMatchObject({ id: 0, is_processing: false });
    const metrics = await fetch(`${reranker.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('# TYPE llamacpp:prompt_tokens_total counter');
  });
});
