import { parseArgs } from './args';
import type { Logger } from './context';
import { actIfHostile } from './hostile-model';
import { knobsFromEnv, type Knobs } from './knobs';
import { ModelLoadError } from './model-loader';
import { launchFakeLlamaServer } from './server';

/** The fake-llama-server executable: llama-server's command line and exit codes, backed by the in-process fake. */

/** Exits once stdout and stderr have drained, so the last log lines (often the reason for exiting) are not lost. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    process.stdout.write(`${parsed.text}\n`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`${parsed.message}\n`);
    process.exitCode = 1;
    return;
  }
  let knobs: Knobs;
  try {
    knobs = knobsFromEnv(process.env);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }

  const log: Logger = (level, line) => {
    if (level === 'error') process.stderr.write(`${line}\n`);
    else if (!parsed.args.logDisable) process.stdout.write(`${line}\n`);
  };
  const server = await launchFakeLlamaServer({ args: parsed.args, knobs, log, onCrash: () => exitAfterFlush(1) }).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  });
  if (!server) return;
  // A hostile model file's code runs once the model is loaded (tests of sealed servers).
  server.ready.then(() => actIfHostile(parsed.args.model, log)).catch(() => undefined);
  server.ready.catch((error: unknown) => {
    // The loader has logged why; an abort here only means a signal closed the server while it was loading.
    if (error instanceof ModelLoadError) exitAfterFlush(1);
  });

  const shutdown = () => {
    log('info', 'srv    operator(): operator(): cleaning up before exit...');
    void server.close().then(() => exitAfterFlush(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
