import { BUILD_INFO } from './args';
import type { Exchange, Route } from './context';
import { generate, GenerationError, withSlot } from './generation';
import { sendText } from './http';
import { typeError } from './nlohmann-json';
import { countTokens, splitPieces } from './tokenizer';

/** llama-server's own routes: health, props, slots, metrics, tokenizer and reranking. */

function health(ex: Exchange): void {
  // Reaching a handler means the model is loaded; the server answers 503 for every route while loading.
  ex.json(200, { status: 'ok' });
}

function props(ex: Exchange): void {
  const { args, model, slots, slotContext } = ex.server;
  ex.json(200, {
    default_generation_settings: { id: 0, id_task: -1, n_ctx: slotContext, is_processing: false, params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95 } },
    total_slots: slots.size,
    model_alias: model,
    model_path: args.model ?? '',
    modalities: { vision: false, audio: false },
    chat_template: args.chatTemplate ?? 'chatml',
    bos_token: '<s>',
    eos_token: '</s>',
    build_info: BUILD_INFO,
  });
}

function slotsRoute(ex: Exchange): void {
  const { args, slots, slotContext } = ex.server;
  if (!args.slots) return ex.fail(501, 'This server does not support slots endpoint. Start it with `--slots`');
  ex.json(
    200,
    Array.from({ length: slots.size }, (_, id) => ({ id, id_task: -1, n_ctx: slotContext, speculative: false, is_processing: slots.isBusy(id) })),
  );
}

function metric(name: string, type: 'counter' | 'gauge', help: string, value: number): string {
  return `# HELP llamacpp:${name} ${help}\n# TYPE llamacpp:${name} ${type}\nllamacpp:${name} ${value}\n`;
}

function metrics(ex: Exchange): void {
  const { args, stats, slots } = ex.server;
  if (!args.metrics) return ex.fail(501, 'This server does not support metrics endpoint. Start it with `--metrics`');
  const text = [
    // Computed tokens only, as llama-server counts them: what came from a slot's cache was not processed.
    metric('prompt_tokens_total', 'counter', 'Number of prompt tokens processed.', stats.promptTokens - stats.cachedTokens),
    metric('tokens_predicted_total', 'counter', 'Number of generation tokens processed.', stats.predictedTokens),
    metric('requests_processing', 'gauge', 'Number of requests processing.', slots.processing),
    metric('requests_deferred', 'gauge', 'Number of requests deferred.', slots.deferred),
  ].join('');
  sendText(ex.res, 200, 'text/plain; version=0.0.4', text);
}

/** `content` as llama-server reads it: absent is nothing; text, or a list of text and token ids; else a JSON type error (500). */
function tokenizeContent(content: unknown): string | { error: string } {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return { error: typeError('string', content) };
  const odd = content.find((item) => typeof item !== 'string' && typeof item !== 'number');
  return odd === undefined ? content.filter((item): item is string => typeof item === 'string').join('') : { error: typeError('number', odd) };
}

function tokenize(ex: Exchange): void {
  const content = tokenizeContent(ex.body.content);
  if (typeof content !== 'string') return ex.fail(500, content.error);
  const tokens = ex.server.vocab.encode(content);
  ex.json(200, { tokens: ex.body.with_pieces === true ? tokens : tokens.map((token) => token.id) });
}

function detokenize(ex: Exchange): void {
  const tokens = 'tokens' in ex.body ? ex.body.tokens : [];
  if (!Array.isArray(tokens)) return ex.fail(500, typeError('array', tokens));
  const odd = tokens.find((id) => typeof id !== 'number');
  if (odd !== undefined) return ex.fail(500, typeError('number', odd));
  ex.json(200, { content: ex.server.vocab.decode(tokens as number[]) });
}

function words(text: string): Set<string> {
  return new Set(splitPieces(text.toLowerCase()).map((piece) => piece.trim()).filter((piece) => /[\p{L}\p{N}]/u.test(piece)));
}

/** Share of the query's words that the document contains: deterministic and ordered the way a reader expects. */
function relevance(query: string, document: string): number {
  const queryWords = words(query);
  if (queryWords.size === 0) return 0;
  const documentWords = words(document);
  return [...queryWords].filter((word) => documentWords.has(word)).length / queryWords.size;
}

async function rerank(ex: Exchange): Promise<void> {
  const { query, documents, top_n: topN } = ex.body;
  if (!ex.server.args.reranking) return ex.fail(501, 'This server does not support reranking. Start it with `--reranking`');
  if (typeof query !== 'string') return ex.fail(400, '"query" must be provided');
  if (!Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) return ex.fail(400, '"documents" must be a list of strings');
  const promptTokens = documents.reduce((sum: number, document: string) => sum + countTokens(query) + countTokens(document), 0);
  const results = documents
    .map((document: string, index) => ({ index, relevance_score: relevance(query, document) }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, typeof topN === 'number' && topN > 0 ? topN : undefined);

  await withSlot(ex, [], async (lease) => {
    const done = await generate(ex, lease, { promptTokens, cachedTokens: 0 }, [], () => undefined);
    if (!done) return;
    if (done instanceof GenerationError) return ex.fail(500, done.message);
    ex.json(200, { model: ex.server.model, object: 'list', usage: { prompt_tokens: promptTokens, total_tokens: promptTokens }, results });
  });
}

function webUi(ex: Exchange): void {
  if (!ex.server.args.webui) return ex.fail(404, 'File Not Found');
  sendText(ex.res, 200, 'text/html; charset=utf-8', `<!doctype html><title>llama.cpp</title><p>fake-llama-server serving ${ex.server.model}</p>`);
}

export const llamaRoutes: Route[] = [
  { method: 'GET', paths: ['/health', '/v1/health'], handler: health },
  { method: 'GET', paths: ['/props'], handler: props },
  { method: 'GET', paths: ['/slots'], handler: slotsRoute },
  { method: 'GET', paths: ['/metrics'], handler: metrics },
  { method: 'GET', paths: ['/'], handler: webUi },
  { method: 'POST', paths: ['/tokenize'], handler: tokenize },
  { method: 'POST', paths: ['/detokenize'], handler: detokenize },
  { method: 'POST', paths: ['/v1/rerank', '/rerank', '/v1/reranking', '/reranking'], handler: rerank, inference: true },
];
