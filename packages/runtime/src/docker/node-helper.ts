import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';
import { LineSplitter } from '../lines';
import { LABELS, RuntimeUnavailableError } from '../types';
import type { HelperFailure, HelperMessage } from '../helper-protocol';
import { Turns } from '../turns';
import { Demuxer, demuxBuffer } from './demux';

/** How the image runs the helper program (apps/worker/src/node-helper). */
export const NODE_HELPER_ENTRYPOINT = ['node', '/app/apps/worker/dist/node-helper.js'];
/** Label of helper containers, so they are never taken for servers: `job` or `forwarder`. */
export const NODE_HELPER_LABEL = 'cloud.gguf.helper';
/** Where a forwarder sees its server's directory. */
const FORWARDER_RUN_DIR = '/run/llama';

/** A job the helper program reported as failed, with its own words. */
export class HelperJobError extends Error {
  constructor(readonly failure: HelperFailure) {
    super(failure.message);
    this.name = 'HelperJobError';
  }
}

export interface NodeHelperOptions {
  docker: Dockerode;
  image: string;
  nodeId: string;
  /** Paths on the engine's host that jobs may touch, mounted at the same paths (the model store, the worker's state). */
  binds: string[];
}

/**
 * The worker's hands on a remote engine's host (a node registered with a tcp:// or ssh:// endpoint,
 * whose disk and sockets the worker cannot reach): short-lived job containers for file work and
 * downloads, and one forwarder container per sealed server that serves its port on the node.
 * Requests go in on stdin, never in a container's configuration, where `docker inspect` would show
 * a token; every container drops all capabilities but the few the job needs.
 */
export class NodeHelper {
  /** A server's forwarder is made, checked and removed one call at a time. */
  private readonly forwarders = new Turns();

  constructor(private readonly options: NodeHelperOptions) {}

  get image(): string {
    return this.options.image;
  }

  /** Runs one job; `network` gives it the node's network (downloads), otherwise it has none. Resolves with its result. */
  async run(request: object, options: { network?: boolean; onProgress?: (progress: unknown) => void; signal?: AbortSignal } = {}): Promise<unknown> {
    const { docker, image, nodeId, binds } = this.options;
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer({
        Image: image,
        Entrypoint: NODE_HELPER_ENTRYPOINT,
        Cmd: ['run'],
        User: '0:0',
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Labels: { [NODE_HELPER_LABEL]: 'job', [LABELS.nodeId]: nodeId },
        HostConfig: {
          NetworkMode: options.network ? 'host' : 'none',
          Binds: binds.map((path) => `${path}:${path}:rw`),
          // Root for files the worker owns, with only what file work needs: no raw sockets, no mounts, no ptrace.
          CapDrop: ['ALL'],
          CapAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
          SecurityOpt: ['no-new-privileges:true'],
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=64m' },
          PidsLimit: 256,
        },
      });
    } catch (error) {
      throw new RuntimeUnavailableError(`the node helper cannot run on this engine (image ${image}): ${(error as { json?: { message?: string } }).json?.message ?? (error as Error).message}`);
    }
    const abort = () => void container.kill().catch(() => undefined);
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream;
      const messages: HelperMessage[] = [];
      const stderr: string[] = [];
      const demuxer = new Demuxer();
      const lines = new LineSplitter();
      const ended = new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          for (const frame of demuxer.push(chunk)) {
            if (frame.stream === 'stderr') stderr.push(frame.text);
            else for (const line of lines.push(frame.text)) deliver(line);
          }
        });
        stream.once('end', () => resolve());
        stream.once('close', () => resolve());
        stream.once('error', () => resolve());
      });
      const deliver = (line: string) => {
        let message: HelperMessage;
        try {
          message = JSON.parse(line) as HelperMessage;
        } catch {
          return;
        }
        if ('progress' in message) options.onProgress?.(message.progress);
        else messages.push(message);
      };
      await container.start();
      stream.write(`${JSON.stringify(request)}\n`);
      stream.end();
      await container.wait();
      await Promise.race([ended, sleep(2_000)]);
      for (const line of lines.flush()) deliver(line);
      if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
      const last = messages.at(-1);
      if (last && 'result' in last) return last.result;
      if (last && 'error' in last) throw new HelperJobError(last.error);
      throw new Error(`the node helper ended without an answer: ${stderr.join('').trim().split('\n').slice(-3).join(' ') || 'no output'}`);
    } finally {
      options.signal?.removeEventListener('abort', abort);
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  /** Makes sure a forwarder serves `port` on `host` for the server whose directory is `runDir`; it runs as the server's user. */
  ensureForwarder(server: string, host: string, port: number, runDir: string, user: string): Promise<void> {
    return this.forwarders.run(server, () => this.startForwarder(server, host, port, runDir, user));
  }

  private async startForwarder(server: string, host: string, port: number, runDir: string, user: string): Promise<void> {
    const { docker, image, nodeId } = this.options;
    const name = forwarderName(server);
    const existing = await docker
      .getContainer(name)
      .inspect()
      .catch(() => undefined);
    if (existing?.State.Running) return;
    if (existing) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    const container = await docker.createContainer({
      name,
      Image: image,
      Entrypoint: NODE_HELPER_ENTRYPOINT,
      Cmd: ['forward', host, String(port), `${FORWARDER_RUN_DIR}/llama.sock`],
      User: user,
      Labels: { [NODE_HELPER_LABEL]: 'forwarder', [LABELS.nodeId]: nodeId, 'cloud.gguf.server': server },
      HostConfig: {
        NetworkMode: 'host',
        Binds: [`${runDir}:${FORWARDER_RUN_DIR}:ro`],
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: true,
        PidsLimit: 64,
        RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
    });
    await container.start();
    // It says `forwarding …` once it listens; a port someone else holds ends it at once instead. Whichever comes
    // first decides (a fixed wait would call a slow start on a busy node a success, and its port someone else's).
    const output = () =>
      container
        .logs({ stdout: true, stderr: true, tail: 5 })
        .then((buffer) => demuxBuffer(buffer as Buffer))
        .catch(() => '');
    const deadline = Date.now() + FORWARDER_START_TIMEOUT_MS;
    for (;;) {
      const running = (await container.inspect()).State.Running;
      const logs = await output();
      if (running && logs.includes('forwarding ')) return;
      if (!running || Date.now() > deadline) {
        await container.remove({ force: true }).catch(() => undefined);
        if (/EADDRINUSE/.test(logs)) throw new RuntimeUnavailableError(`couldn't bind HTTP server socket, hostname: ${host}, port: ${port}`);
        const why = running ? `did not start listening within ${FORWARDER_START_TIMEOUT_MS / 1000} s` : `stopped: ${logs.trim().split('\n').at(-1) ?? 'no output'}`;
        throw new RuntimeUnavailableError(`the forwarder of port ${port} ${why}`);
      }
      await sleep(50);
    }
  }

  removeForwarder(server: string): Promise<void> {
    return this.forwarders.run(server, () =>
      this.options.docker
        .getContainer(forwarderName(server))
        .remove({ force: true })
        .then(
          () => undefined,
          () => undefined,
        ),
    );
  }
}

const forwarderName = (server: string) => `${server}-forward`;

/** How long a forwarder may take to listen (a node busy starting servers is slow to start a process). */
const FORWARDER_START_TIMEOUT_MS = 15_000;
