import type Dockerode from 'dockerode';
import { LineBatcher, LineSplitter } from '../lines';
import type { FollowLogsOptions, LogFollower, ServerInfo } from '../types';
import { Demuxer, type StreamKind } from './demux';
import { statusOf } from './engine-calls';

/** RFC 3339 with nanoseconds (trailing zeros trimmed by Docker) → nanoseconds since the epoch, for exact ordering. */
export function timestampNs(ts: string): bigint {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(ts);
  if (!match) return 0n;
  const seconds = BigInt(Math.floor(Date.parse(`${match[1]}Z`) / 1000));
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9));
  return seconds * 1_000_000_000n + fraction;
}

/**
 * Follows a container's output through the engine's log stream, with timestamps, resuming after a
 * cursor (the last delivered line's timestamp) so a worker restart loses and repeats nothing.
 */
export function followContainerLogs(docker: Dockerode, server: ServerInfo, options: FollowLogsOptions): LogFollower {
  const batcher = new LineBatcher(options.sink);
  const after = options.cursor ? timestampNs(options.cursor) : -1n;
  let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  let stopped = false;
  let lastTimestamp = options.cursor;
  const done = (async () => {
    try {
      stream = (await docker.getContainer(server.handle).logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: after >= 0n ? Number(after / 1_000_000_000n) : 0,
      })) as NodeJS.ReadableStream;
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw error;
    }
    if (stopped) stream.destroy?.();
    const demuxer = new Demuxer();
    const splitters: Record<StreamKind, LineSplitter> = { stdout: new LineSplitter(), stderr: new LineSplitter() };
    const deliver = (lines: string[]) => {
      const out: string[] = [];
      for (const line of lines) {
        const space = line.indexOf(' ');
        const ts = space > 0 ? line.slice(0, space) : '';
        if (after >= 0n && ts && timestampNs(ts) <= after) continue;
        if (ts) lastTimestamp = ts;
        out.push(space > 0 ? line.slice(space + 1) : line);
      }
      batcher.add(out);
    };
    await new Promise<void>((resolve) => {
      stream!.on('data', (chunk: Buffer) => {
        for (const frame of demuxer.push(chunk)) deliver(splitters[frame.stream].push(frame.text));
      });
      const end = () => {
        deliver([...splitters.stdout.flush(), ...splitters.stderr.flush()]);
        resolve();
      };
      stream!.once('end', end);
      stream!.once('close', end);
      stream!.once('error', end);
    });
  })()
    .catch(() => undefined)
    .then(async () => {
      await batcher.flush();
      if (lastTimestamp) options.onCursor?.(lastTimestamp);
    });
  // Report the cursor after each delivery too, so a worker that dies loses at most a batch.
  const tick = setInterval(() => {
    if (lastTimestamp) options.onCursor?.(lastTimestamp);
  }, 1_000);
  void done.finally(() => clearInterval(tick));
  return {
    done,
    stop: async () => {
      stopped = true;
      stream?.destroy?.();
      await done;
    },
  };
}
