import { parseArgs } from './args';
import type { Logger } from './context';
import { knobsFromEnv } from './knobs';
import { launchFakeLlamaServer, type FakeLlamaServer } from './server';

export type { ServerArgs } from './args';
export type { Logger, LogLevel } from './context';
export { ModelLoadError } from './model-loader';
export type { FakeLlamaServer } from './server';
export type { FakeStats } from './stats';

export interface StartFakeLlamaServerOptions {
  /** llama-server command line without the program name. Listens on 127.0.0.1 and a free port unless it says otherwise. */
  args?: string[];
  /** FAKE_LLAMA_* knobs and LLAMA_ARG_* fallbacks. process.env is deliberately not read, so tests state their knobs. */
  env?: Record<string, string | undefined>;
  /** Receives llama-server-like log lines; silent by default. */
  log?: Logger;
}

/** Starts a fake llama-server in this process; `ready` tells when its model has "loaded". */
export async function startFakeLlamaServer(options: StartFakeLlamaServerOptions = {}): Promise<FakeLlamaServer> {
  const env = options.env ?? {};
  // Given first, so a --port in `args` wins.
  const parsed = parseArgs(['--port', '0', ...(options.args ?? [])], env);
  if (parsed.kind === 'error') throw new Error(parsed.message);
  if (parsed.kind !== 'run') throw new Error(`--${parsed.kind} only makes sense on the command line`);
  return launchFakeLlamaServer({ args: parsed.args, knobs: knobsFromEnv(env), log: options.log ?? (() => undefined) });
}
export { HOSTILE_MARKER, HOSTILE_REPORT, type HostilePlan, type HostileReport } from './hostile-model';
