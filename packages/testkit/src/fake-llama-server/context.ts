import type { ServerResponse } from 'node:http';
import type { ServerArgs } from './args';
import type { ErrorFlavor } from './errors';
import type { RequestKnobs } from './knobs';
import type { SlotPool } from './slots';
import type { FakeStats } from './stats';
import type { Vocabulary } from './tokenizer';

export type LogLevel = 'info' | 'error';
export type Logger = (level: LogLevel, line: string) => void;

/** State shared by every request of one fake server. */
export interface ServerContext {
  args: ServerArgs;
  /** The name responses carry (see modelName in model-loader.ts). */
  model: string;
  /** Context one request may use (see slotLayout). */
  slotContext: number;
  stats: FakeStats;
  vocab: Vocabulary;
  slots: SlotPool;
  /** Simulates the process dying: logs the lines, then the process exits (or, in-process, the server goes away). */
  crash(lines: string[]): void;
}

/** One request being answered. */
export interface Exchange {
  res: ServerResponse;
  server: ServerContext;
  /** The route's path, without the query. */
  path: string;
  /** Parsed JSON body of a POST route (always an object); empty for GET routes. */
  body: Record<string, unknown>;
  knobs: RequestKnobs;
  flavor: ErrorFlavor;
  /** Aborts when the client disconnects before the response is complete. */
  signal: AbortSignal;
  startedAt: number;
  json(status: number, body: unknown): void;
  fail(status: number, message: string, extra?: Record<string, unknown>): void;
  /** Drops the connection mid-response, as an upstream that died would. */
  kill(): Promise<void>;
}

export interface Route {
  method: 'GET' | 'POST';
  paths: string[];
  handler: (ex: Exchange) => void | Promise<void>;
  /** Error body shape for this route; llama's unless stated. */
  flavor?: ErrorFlavor;
  /** Generation/embedding routes: the fault knobs (slow first byte, forced failure) apply and they count as inference. */
  inference?: boolean;
}
