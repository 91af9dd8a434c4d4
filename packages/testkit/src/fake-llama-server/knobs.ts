import type { IncomingHttpHeaders } from 'node:http';

/** Test knobs: FAKE_LLAMA_* environment variables, some overridable per request by x-fake-* headers (see README.md). */
export interface Knobs {
  loadMs: number;
  tokenDelayMs: number;
  firstByteDelayMs: number;
  failStatus?: number;
  dieAfterTokens?: number;
  /** Fail generation after N tokens, as a failed decode does: reported inside the 200 stream (see README.md). */
  errorAfterTokens?: number;
  exitAfterTokens?: number;
  crashAfterMs?: number;
  oom: boolean;
  reply?: string;
}

/** The knobs one request may override, so a single fake process can serve many test cases. */
export type RequestKnobs = Pick<Knobs, 'tokenDelayMs' | 'firstByteDelayMs' | 'failStatus' | 'dieAfterTokens' | 'errorAfterTokens' | 'exitAfterTokens' | 'reply'>;

const NON_NEGATIVE_INT = /^\d+$/;

function envInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  // A typo in a knob must not silently turn a fault-injection test into a passing happy-path test.
  if (!NON_NEGATIVE_INT.test(raw)) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

export function knobsFromEnv(env: Record<string, string | undefined>): Knobs {
  return {
    loadMs: envInt(env, 'FAKE_LLAMA_LOAD_MS') ?? 300,
    tokenDelayMs: envInt(env, 'FAKE_LLAMA_TOKEN_DELAY_MS') ?? 0,
    firstByteDelayMs: envInt(env, 'FAKE_LLAMA_FIRST_BYTE_DELAY_MS') ?? 0,
    failStatus: envInt(env, 'FAKE_LLAMA_FAIL_STATUS'),
    dieAfterTokens: envInt(env, 'FAKE_LLAMA_DIE_AFTER_TOKENS'),
    errorAfterTokens: envInt(env, 'FAKE_LLAMA_ERROR_AFTER_TOKENS'),
    exitAfterTokens: envInt(env, 'FAKE_LLAMA_EXIT_AFTER_TOKENS'),
    crashAfterMs: envInt(env, 'FAKE_LLAMA_CRASH_AFTER_MS'),
    oom: ['1', 'true'].includes(env.FAKE_LLAMA_OOM ?? ''),
    reply: env.FAKE_LLAMA_REPLY || undefined,
  };
}

function headerInt(headers: IncomingHttpHeaders, name: string): number | undefined {
  const raw = headers[name];
  return typeof raw === 'string' && NON_NEGATIVE_INT.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

/** Process knobs with this request's x-fake-* headers applied; malformed header values are ignored. */
export function requestKnobs(knobs: Knobs, headers: IncomingHttpHeaders): RequestKnobs {
  const reply = headers['x-fake-reply'];
  return {
    tokenDelayMs: headerInt(headers, 'x-fake-token-delay-ms') ?? knobs.tokenDelayMs,
    firstByteDelayMs: headerInt(headers, 'x-fake-first-byte-delay-ms') ?? knobs.firstByteDelayMs,
    failStatus: headerInt(headers, 'x-fake-fail-status') ?? knobs.failStatus,
    dieAfterTokens: headerInt(headers, 'x-fake-die-after-tokens') ?? knobs.dieAfterTokens,
    errorAfterTokens: headerInt(headers, 'x-fake-error-after-tokens') ?? knobs.errorAfterTokens,
    exitAfterTokens: knobs.exitAfterTokens,
    reply: typeof reply === 'string' && reply !== '' ? reply : knobs.reply,
  };
}
