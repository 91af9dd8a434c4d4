import type { LogSink } from './types';

/** Splits a byte stream into lines, keeping a partial last line until its end arrives. */
export class LineSplitter {
  private partial = '';

  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    return parts.map(stripCarriageReturn);
  }

  /** The unterminated rest, e.g. when the stream ended. */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  // Download progress bars redraw one line with \r: keep what it finally said.
  const last = line.lastIndexOf('\r', line.length - 2);
  return (last >= 0 ? line.slice(last + 1) : line).replace(/\r$/, '');
}

/**
 * Collects lines and hands them to a sink in batches (at most every `intervalMs`), one delivery at
 * a time and in order, so a slow sink (Redis) never reorders or floods.
 */
export class LineBatcher {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: LogSink,
    private readonly intervalMs = 250,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  add(lines: string[]): void {
    if (lines.length === 0) return;
    this.buffer.push(...lines);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Delivers what is buffered; resolves when every delivery so far has finished. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.buffer;
    this.buffer = [];
    if (lines.length > 0) {
      this.chain = this.chain.then(async () => {
        try {
          await this.sink(lines);
        } catch (error) {
          this.onError(error);
        }
      });
    }
    return this.chain;
  }
}
