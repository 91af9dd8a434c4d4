import { BUILD_INFO } from './args';
import { renderPrompt } from './chat-template';
import type { Exchange, Route } from './context';
import { isRecord, openAiTurns } from './conversation';
import { EMBEDDING_DIMENSIONS, embed, toBase64 } from './embedding';
import { generate, GenerationError, type PromptRun, refuseGeneration, startPrompt, withSlot } from './generation';
import { randomId, unixSeconds } from './ids';
import { choicesRefusal, chatMessagesRefusal, jinjaRefusal } from './llama-checks';
import { typeError } from './nlohmann-json';
import { limitsFrom, limitText, planReply, replyText, type ToolChoice, type ToolDef } from './reply';
import { EventStream } from './sse';
import { countTokens, splitPieces, type Vocabulary } from './tokenizer';

/** OpenAI-compatible routes, in the shapes llama-server gives them (ids, system_fingerprint, timings). */

function openAiTools(tools: unknown): ToolDef[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) => {
    const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : undefined;
    return fn && typeof fn.name === 'string' ? [{ name: fn.name, schema: isRecord(fn.parameters) ? fn.parameters : {} }] : [];
  });
}

function openAiToolChoice(choice: unknown): ToolChoice {
  if (choice === 'none') return { mode: 'none' };
  if (choice === 'required') return { mode: 'any' };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') return { mode: 'named', name: choice.function.name };
  return { mode: 'auto' };
}

function includeUsage(body: Record<string, unknown>): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

/** llama-server's usage for completions: `cached_tokens` is the part of `prompt_tokens` its slot's cache held. */
function usage(run: PromptRun, completionTokens: number) {
  const { promptTokens, cachedTokens } = run;
  return {
    completion_tokens: completionTokens,
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

async function chatCompletions(ex: Exchange): Promise<void> {
  const { body } = ex;
  const refusal = jinjaRefusal(ex.server.args.jinja, body.tools, body.tool_choice) ?? chatMessagesRefusal(body.messages) ?? choicesRefusal(body.n);
  if (refusal) return ex.fail(refusal.status, refusal.message);
  // The checks above leave only objects with a string role (assistant messages without content included).
  const turns = openAiTurns(body.messages as Record<string, unknown>[]);
  const prompt = renderPrompt(turns, body.tools);
  const promptTokens = prompt.length;
  if (refuseGeneration(ex, promptTokens)) return;

  const plan = planReply({
    model: ex.server.model,
    turns,
    tools: openAiTools(body.tools),
    toolChoice: openAiToolChoice(body.tool_choice),
    limits: limitsFrom(body.max_completion_tokens ?? body.max_tokens ?? body.n_predict, body.stop, body.ignore_eos, ex.server.slotContext - promptTokens),
    fixedReply: ex.knobs.reply,
  });
  const finishReason = plan.kind === 'tool' ? 'tool_calls' : plan.finish;
  const toolCallId = randomId('call_');
  const base = { created: unixSeconds(), id: randomId('chatcmpl-'), model: ex.server.model, system_fingerprint: BUILD_INFO };

  await withSlot(ex, prompt, async (lease) => {
    const run = startPrompt(ex, lease, prompt);
    if (body.stream !== true) {
      const timings = await generate(ex, lease, run, plan.pieces, () => undefined);
      if (!timings) return;
      if (timings instanceof GenerationError) return ex.fail(500, timings.message);
      const message =
        plan.kind === 'tool'
          ? { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: plan.name, arguments: plan.argumentsJson }, id: toolCallId }] }
          : { role: 'assistant', content: plan.pieces.join('') };
      ex.json(200, {
        choices: [{ finish_reason: finishReason, index: 0, message }],
        ...base,
        object: 'chat.completion',
        usage: usage(run, plan.pieces.length),
        timings,
      });
      return;
    }

    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      choices: [{ finish_reason: finish, index: 0, delta }],
      ...base,
      object: 'chat.completion.chunk',
    });
    const stream = new EventStream(ex, 'openai');
    // llama-server's first result opens with the assistant role (and the tool call's name): sent with the first token.
    let opened = false;
    const open = () => {
      if (opened) return;
      opened = true;
      stream.data(chunk({ role: 'assistant', content: null }));
      if (plan.kind === 'tool') {
        stream.data(chunk({ tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: plan.name, arguments: '' } }] }));
      }
    };
    const timings = await generate(ex, lease, run, plan.pieces, (piece) => {
      open();
      stream.data(chunk(plan.kind === 'tool' ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece }));
    });
    if (!timings) return;
    if (timings instanceof GenerationError) return stream.fail(timings.message);
    open();
    stream.data({ ...chunk({}, finishReason), timings });
    if (includeUsage(body)) stream.data({ choices: [], ...base, object: 'chat.completion.chunk', usage: usage(run, plan.pieces.length) });
    stream.end();
  });
}

const isTokenId = (value: unknown): value is number => Number.isInteger(value);
const PROMPT_SHAPE = '"prompt" elements must be a string, a list of tokens, a JSON object containing a prompt string, or a list of mixed strings & tokens.';

/** One prompt as llama-server tokenizes it: text, token ids, text mixed with ids, or {prompt_string}. */
function subprompt(value: unknown, vocab: Vocabulary): string | undefined {
  if (typeof value === 'string') return value;
  // Token ids, or ids mixed with text; a list of text alone is not one prompt.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || isTokenId(item)) && (value.length === 0 || value.some(isTokenId))) {
    return value.map((item) => (typeof item === 'string' ? item : vocab.decode([item]))).join('');
  }
  if (isRecord(value) && typeof value.prompt_string === 'string') return value.prompt_string;
  return undefined;
}

/**
 * tokenize_input_prompts: a list holding any token id is one prompt, any other list a list of prompts. Its
 * failures are runtime errors, so llama-server answers them with 500.
 */
function textInputs(input: unknown, vocab: Vocabulary): { texts: string[] } | { error: string } {
  const prompts = Array.isArray(input) && !input.some(isTokenId) ? input : [input];
  const texts: string[] = [];
  for (const prompt of prompts) {
    const text = subprompt(prompt, vocab);
    if (text === undefined) return { error: PROMPT_SHAPE };
    texts.push(text);
  }
  return texts.length === 0 ? { error: '"prompt" must not be empty' } : { texts };
}

/** oaicompat_completion_params_parse: what it refuses, it refuses with runtime errors (500). */
function completionParamsRefusal(body: Record<string, unknown>): string | undefined {
  if (!('prompt' in body)) return '"prompt" is required';
  if (body.echo === true) return 'Only no echo is supported';
  const unsupported = ['best_of', 'suffix'].find((param) => param in body);
  return unsupported ? `Unsupported param: ${unsupported}` : undefined;
}

async function completions(ex: Exchange): Promise<void> {
  const { body } = ex;
  const refusal = completionParamsRefusal(body);
  if (refusal) return ex.fail(500, refusal);
  const inputs = textInputs(body.prompt, ex.server.vocab);
  if ('error' in inputs) return ex.fail(500, inputs.error);
  const prompts = inputs.texts;
  const promptTokenLists = prompts.map(splitPieces);
  const promptSizes = promptTokenLists.map((tokens) => tokens.length);
  if (refuseGeneration(ex, Math.max(...promptSizes))) return;

  const limits = limitsFrom(body.max_tokens ?? body.n_predict, body.stop, body.ignore_eos, ex.server.slotContext - Math.max(...promptSizes));
  const replies = prompts.map((prompt) => limitText(replyText(ex.server.model, prompt, ex.knobs.reply), limits));
  const completionTokens = replies.reduce((sum, reply) => sum + reply.pieces.length, 0);
  const base = { created: unixSeconds(), id: randomId('chatcmpl-'), model: ex.server.model, system_fingerprint: BUILD_INFO };
  const choice = (index: number, text: string, finish: string | null) => ({ text, index, logprobs: null, finish_reason: finish });

  await withSlot(ex, promptTokenLists[0] ?? [], async (lease) => {
    const stream = body.stream === true ? new EventStream(ex, 'openai') : undefined;
    let timings;
    // The prompts run one after another in the slot, each reading what the one before left in its cache.
    const total: PromptRun = { promptTokens: 0, cachedTokens: 0 };
    for (const [index, reply] of replies.entries()) {
      const run = startPrompt(ex, lease, promptTokenLists[index] ?? []);
      total.promptTokens += run.promptTokens;
      total.cachedTokens += run.cachedTokens;
      timings = await generate(ex, lease, run, reply.pieces, (piece) => {
        stream?.data({ choices: [choice(index, piece, null)], ...base, object: 'text_completion' });
      });
      if (!timings) return;
      if (timings instanceof GenerationError) return stream ? stream.fail(timings.message) : ex.fail(500, timings.message);
      stream?.data({ choices: [choice(index, '', reply.finish)], ...base, object: 'text_completion', timings });
    }
    if (!stream) {
      const choices = replies.map((reply, index) => choice(index, reply.pieces.join(''), reply.finish));
      ex.json(200, { choices, ...base, object: 'text_completion', usage: usage(total, completionTokens), timings });
      return;
    }
    if (includeUsage(body)) stream.data({ choices: [], ...base, object: 'text_completion', usage: usage(total, completionTokens) });
    stream.end();
  });
}

async function embeddings(ex: Exchange): Promise<void> {
  const { body } = ex;
  if (!ex.server.args.embeddings) return ex.fail(501, 'This server does not support embeddings. Start it with `--embeddings`');
  const input = body.input ?? body.content;
  if (input === undefined) return ex.fail(400, '"input" or "content" must be provided');
  // llama-server reads encoding_format as a string before the input, so a wrong type is a JSON type error (500).
  const format = 'encoding_format' in body ? body.encoding_format : 'float';
  if (typeof format !== 'string') return ex.fail(500, typeError('string', format));
  if (format !== 'float' && format !== 'base64') return ex.fail(400, 'The format to return the embeddings in. Can be either float or base64');
  const inputs = textInputs(input, ex.server.vocab);
  if ('error' in inputs) return ex.fail(500, inputs.error);
  const texts = inputs.texts;
  if (texts.some((text) => text === '')) return ex.fail(400, 'Input content cannot be empty');
  const promptTokens = texts.reduce((sum, text) => sum + countTokens(text), 0);

  // llama-server neither reuses nor reports a cache for embeddings.
  await withSlot(ex, [], async (lease) => {
    const done = await generate(ex, lease, { promptTokens, cachedTokens: 0 }, [], () => undefined);
    if (!done) return;
    if (done instanceof GenerationError) return ex.fail(500, done.message);
    ex.json(200, {
      model: ex.server.model,
      object: 'list',
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      data: texts.map((text, index) => {
        const vector = embed(text);
        return { embedding: format === 'base64' ? toBase64(vector) : vector, index, object: 'embedding' };
      }),
    });
  });
}

function models(ex: Exchange): void {
  ex.json(200, {
    object: 'list',
    data: [
      {
        id: ex.server.model,
        object: 'model',
        created: unixSeconds(),
        owned_by: 'llamacpp',
        meta: { vocab_type: 2, n_vocab: 32000, n_ctx_train: ex.server.slotContext, n_embd: EMBEDDING_DIMENSIONS, n_params: 1_000_000, size: 1_048_576 },
      },
    ],
  });
}

export const openAiRoutes: Route[] = [
  { method: 'GET', paths: ['/v1/models', '/models'], handler: models },
  { method: 'POST', paths: ['/v1/chat/completions', '/chat/completions'], handler: chatCompletions, inference: true },
  { method: 'POST', paths: ['/v1/completions', '/completions'], handler: completions, inference: true },
  { method: 'POST', paths: ['/v1/embeddings', '/embeddings'], handler: embeddings, inference: true },
];
