import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from './context';
import type { SlotLease } from './slots';
import { recordPrompt } from './stats';

/** llama-server's per-request performance report, included with final results. */
export interface Timings {
  /** Prompt tokens read from the slot's cache. */
  cache_n: number;
  /** Prompt tokens computed: the rest of the prompt. */
  prompt_n: number;
  prompt_ms: number;
  prompt_per_token_ms: number;
  prompt_per_second: number;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_token_ms: number;
  predicted_per_second: number;
}

/** One prompt's size and how much of it the slot's cache held. */
export interface PromptRun {
  promptTokens: number;
  cachedTokens: number;
}

function timings(run: PromptRun, promptMs: number, predictedN: number, predictedMs: number): Timings {
  // Avoid infinities when the fake is faster than the clock's resolution.
  const promptTime = Math.max(promptMs, 0.001);
  const predictedTime = Math.max(predictedMs, 0.001);
  const promptN = run.promptTokens - run.cachedTokens;
  return {
    cache_n: run.cachedTokens,
    prompt_n: promptN,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptN ? promptTime / promptN : 0,
    prompt_per_second: (promptN * 1000) / promptTime,
    predicted_n: predictedN,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedN ? predictedTime / predictedN : 0,
    predicted_per_second: (predictedN * 1000) / predictedTime,
  };
}

/**
 * A generation that failed partway, as when llama_decode fails in update_slots (tools/server/server-context.cpp)
 * and the slot's task gets send_error with "Compute error.". Non-streamed, it is the answer (500); streamed, see
 * EventStream.fail.
 */
export class GenerationError {
  constructor(readonly message: string) {}
}

const EXIT_AFTER_TOKENS_LINES = ['llama/src/llama-context.cpp:1012: GGML_ASSERT(n_tokens_all <= cparams.n_batch) failed'];

/**
 * Waits in line for the slot llama-server would give `prompt` (the first one, for several), then runs `body`
 * in it; skips `body` when the client gave up while queued.
 */
export async function withSlot(ex: Exchange, prompt: readonly string[], body: (lease: SlotLease) => Promise<void>): Promise<void> {
  const lease = await ex.server.slots.acquire(ex.signal, prompt);
  if (lease === undefined) return;
  try {
    await body(lease);
  } finally {
    ex.server.slots.release(lease);
  }
}

/** Puts a generation prompt in the slot: what its cache holds of it is read, the rest computed (`cache_prompt: false` reads nothing). */
export function startPrompt(ex: Exchange, lease: SlotLease, prompt: readonly string[]): PromptRun {
  const run = { promptTokens: prompt.length, cachedTokens: lease.begin(prompt, ex.body.cache_prompt !== false) };
  recordPrompt(ex.server.stats, { path: ex.path, slot: lease.id, ...run });
  return run;
}

/**
 * "Generates" the given tokens: waits the token delay before each, hands it to `emit`, leaves it in the slot,
 * and applies the fault knobs. Returns the timings when all tokens were produced, a GenerationError when
 * generation failed (the caller reports it), or undefined when the exchange ended early (client gone,
 * connection killed, process crashed) and the caller must not write anything more.
 */
export async function generate(
  ex: Exchange,
  lease: SlotLease,
  run: PromptRun,
  pieces: string[],
  emit: (piece: string) => void,
): Promise<Timings | GenerationError | undefined> {
  const { tokenDelayMs, dieAfterTokens, errorAfterTokens, exitAfterTokens } = ex.knobs;
  const generationStart = performance.now();
  const promptMs = generationStart - ex.startedAt;
  ex.server.stats.promptTokens += run.promptTokens;
  ex.server.stats.cachedTokens += run.cachedTokens;
  for (let produced = 0; ; produced++) {
    if (produced === dieAfterTokens) {
      await ex.kill();
      return undefined;
    }
    if (produced === errorAfterTokens) return new GenerationError('Compute error.');
    if (produced === exitAfterTokens) {
      ex.server.crash(EXIT_AFTER_TOKENS_LINES);
      return undefined;
    }
    const piece = pieces[produced];
    if (piece === undefined) break;
    if (tokenDelayMs > 0) await sleep(tokenDelayMs, undefined, { signal: ex.signal }).catch(() => undefined);
    if (ex.signal.aborted) return undefined;
    emit(piece);
    lease.remember(piece);
    ex.server.stats.predictedTokens++;
  }
  return timings(run, promptMs, pieces.length, performance.now() - generationStart);
}

/** Refusals llama-server makes before generating anything. Returns true when it has answered the request. */
export function refuseGeneration(ex: Exchange, promptTokens: number): boolean {
  // --reranking makes llama-server an embedding server too (rank pooling), so it refuses generation as well.
  if (ex.server.args.embeddings || ex.server.args.reranking) {
    ex.fail(501, 'This server does not support completions. Start it without `--embeddings`');
    return true;
  }
  if (promptTokens > ex.server.slotContext) {
    ex.fail(400, 'the request exceeds the available context size, try increasing it', {
      type: 'exceed_context_size_error',
      n_prompt_tokens: promptTokens,
      n_ctx: ex.server.slotContext,
    });
    return true;
  }
  return false;
}
