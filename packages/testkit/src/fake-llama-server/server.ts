import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { anthropicRoutes } from './anthropic-routes';
import type { ServerArgs } from './args';
import { apiKeysOf, authorized, needsApiKey } from './auth';
import type { Exchange, Logger, Route, ServerContext } from './context';
import { isRecord } from './conversation';
import { errorReply, type ErrorReply } from './errors';
import { readBody, sendJson } from './http';
import { requestKnobs, type Knobs } from './knobs';
import { listen } from './listen';
import { llamaRoutes } from './llama-routes';
import { loadedLines, loadModel, ModelLoadError, modelName, modelSource } from './model-loader';
import { parseLlamaJson } from './nlohmann-json';
import { openAiRoutes } from './openai-routes';
import { SlotPool, slotLayout } from './slots';
import { emptyStats, resetStats, type FakeStats } from './stats';
import { Vocabulary } from './tokenizer';

export interface LaunchOptions {
  args: ServerArgs;
  knobs: Knobs;
  log: Logger;
  /** Called after a simulated crash has taken the server down; the CLI exits the process with code 1 here. */
  onCrash?: () => void;
}

export interface FakeLlamaServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (append /v1 for the openai client); unix:///path/x.sock on a Unix socket. */
  url: string;
  port: number;
  /** The Unix socket it listens on, when --host ends in .sock. */
  socketPath?: string;
  model: string;
  /** Resolves once the model is "loaded"; rejects with ModelLoadError when loading fails (the server then closes). */
  ready: Promise<void>;
  stats(): FakeStats;
  resetStats(): void;
  close(): Promise<void>;
}

const ROUTES = new Map<string, Route>(
  [...openAiRoutes, ...anthropicRoutes, ...llamaRoutes].flatMap((route) => route.paths.map((path) => [`${route.method} ${path}`, route] as const)),
);

const CRASH_LINES = [
  'ggml/src/ggml-cuda/ggml-cuda.cu:88: CUDA error',
  'CUDA error: out of memory',
  '  current device: 0, in function ggml_cuda_op_mul_mat at ggml/src/ggml-cuda/ggml-cuda.cu:1722',
];

/**
 * Drops a connection the way a dying upstream does. Chunked writes are corked until the next tick, so wait
 * for them to reach the socket first: the client then receives every token sent before the cut.
 */
async function dropConnection(res: ServerResponse): Promise<void> {
  const socket = res.socket;
  if (!socket) return;
  await new Promise((resolve) => setImmediate(resolve));
  if (socket.writableLength > 0 && !socket.destroyed) await Promise.race([once(socket, 'drain'), once(socket, 'close')]).catch(() => undefined);
  socket.destroy();
}

export async function launchFakeLlamaServer(options: LaunchOptions): Promise<FakeLlamaServer> {
  const { args, knobs, log, onCrash } = options;
  const apiKeys = apiKeysOf(args);
  const layout = slotLayout(args);
  const stats = emptyStats();
  let state: 'loading' | 'ready' | 'closed' = 'loading';

  const ctx: ServerContext = {
    args,
    model: modelName(args),
    slotContext: layout.slotContext,
    stats,
    vocab: new Vocabulary(),
    slots: new SlotPool(layout.slotCount, args.slotPromptSimilarity),
    crash,
  };

  function send(res: ServerResponse, reply: ErrorReply): void {
    sendJson(res, reply.status, reply.body);
  }

  function handleFake(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method === 'GET' && path === '/fake/stats') return sendJson(res, 200, structuredClone(stats));
    if (req.method === 'POST' && path === '/fake/reset') {
      resetStats(stats);
      return sendJson(res, 200, { ok: true });
    }
    send(res, errorReply('llama', 404, 'File Not Found'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path.startsWith('/fake/')) return handleFake(req, res, path);

    stats.requests++;
    stats.active++;
    stats.lastHeaders = { ...req.headers };
    stats.lastUrl = req.url ?? '/';
    const controller = new AbortController();
    let killed = false;
    res.on('close', () => {
      stats.active--;
      // Connections cut by the fake itself (die/crash/close) are not client aborts.
      if (!res.writableFinished && !killed && state !== 'closed') stats.aborted++;
      controller.abort();
      log('info', `srv  log_server_r: request: ${req.method} ${path} ${req.socket.remoteAddress ?? ''} ${res.statusCode}`);
    });

    const raw = await readBody(req);
    const body = raw.length === 0 ? undefined : parseLlamaJson(raw);
    stats.lastBody = body?.ok ? body.value : null;

    const route = ROUTES.get(`${req.method} ${path}`);
    const perRequest = requestKnobs(knobs, req.headers);
    const ex: Exchange = {
      res,
      server: ctx,
      path,
      body: {},
      knobs: perRequest,
      flavor: route?.flavor ?? 'llama',
      signal: controller.signal,
      startedAt: performance.now(),
      json: (status, data) => sendJson(res, status, data),
      fail: (status, message, extra) => send(res, errorReply(ex.flavor, status, message, extra)),
      kill: () => {
        killed = true;
        return dropConnection(res);
      },
    };

    // Same order as llama-server's middleware: loading state, then API key, then routing.
    if (state !== 'ready') return send(res, errorReply('llama', 503, 'Loading model'));
    if (apiKeys.length > 0 && needsApiKey(path) && !authorized(req, apiKeys)) return send(res, errorReply('llama', 401, 'Invalid API Key'));
    if (!route) return ex.fail(404, 'File Not Found');
    if (route.method === 'POST') {
      // llama-server's handlers parse the body first; whatever its JSON library throws becomes a 500.
      const parsed = body ?? parseLlamaJson(raw);
      if (!parsed.ok) return ex.fail(500, parsed.message);
      // Its "does the body contain X" is false for anything but an object, so any other value reads as {}.
      ex.body = isRecord(parsed.value) ? parsed.value : {};
    }
    if (route.inference) {
      stats.inferenceRequests++;
      if (perRequest.firstByteDelayMs > 0) await sleep(perRequest.firstByteDelayMs, undefined, { signal: ex.signal }).catch(() => undefined);
      if (ex.signal.aborted) return;
      if (perRequest.failStatus !== undefined) return ex.fail(perRequest.failStatus, `Injected failure (status ${perRequest.failStatus})`);
    }
    await route.handler(ex);
  }

  const server = createServer((req, res) => {
    // A client that vanished mid-write is routine for a server, not a fault of the fake.
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      log('error', `srv  log_server_r: ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (res.headersSent) res.destroy();
      else send(res, errorReply('llama', 500, error instanceof Error ? error.message : String(error)));
    });
  });

  let closing: Promise<void> | undefined;
  const loadAbort = new AbortController();
  let crashTimer: NodeJS.Timeout | undefined;

  function close(): Promise<void> {
    closing ??= (async () => {
      state = 'closed';
      clearTimeout(crashTimer);
      loadAbort.abort();
      const closed = listening.close();
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  }

  function crash(lines: string[]): void {
    if (state === 'closed') return;
    state = 'closed';
    for (const line of lines) log('error', line);
    // A real process has already sent the tokens it wrote; ours sit corked until the next tick, so let them out.
    setImmediate(() => {
      void close();
      onCrash?.();
    });
  }

  log('info', `build: 6000 (fake0000) with node ${process.version} for ${process.platform} ${process.arch} (fake-llama-server)`);
  log('info', `system info: n_threads = ${args.threads > 0 ? args.threads : availableParallelism()}, total_threads = ${availableParallelism()}`);
  // Everything that can close the server (crash timer, loader, caller) starts after this.
  const listening = await listen(server, args, log, layout.slotCount + 2);
  const { port, socketPath } = listening;
  log('info', 'main: loading model');
  log('info', `srv    load_model: loading model '${modelSource(args)}'`);

  if (knobs.crashAfterMs !== undefined) {
    crashTimer = setTimeout(() => crash(CRASH_LINES), knobs.crashAfterMs);
    // In-process users should not be kept alive by a crash that would never matter.
    crashTimer.unref();
  }

  const ready = loadModel(args, knobs, loadAbort.signal).then(
    () => {
      if (state === 'closed') return;
      state = 'ready';
      for (const line of loadedLines(args, layout)) log('info', line);
      log('info', `main: server is listening on ${socketPath ? `unix://${socketPath}` : `http://${args.host}:${port}`} - starting the main loop`);
      log('info', 'srv  update_slots: all slots are idle');
    },
    (error: unknown) => {
      if (error instanceof ModelLoadError) for (const line of error.lines) log('error', line);
      void close();
      throw error;
    },
  );
  // Callers that never await `ready` must not get an unhandled rejection; those that do still see it.
  ready.catch(() => undefined);

  return {
    url: listening.url,
    port,
    socketPath,
    model: ctx.model,
    ready,
    stats: () => structuredClone(stats),
    resetStats: () => resetStats(stats),
    close,
  };
}
