import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/**
 * Steady SDK traffic for the end-to-end failover and replica tests: a few loops of plain, streamed
 * and Anthropic calls through a real gateway, each tallied. A stream that had already sent bytes
 * when its server died cannot be retried: it ends with its protocol's error event, counted apart.
 */
export type Kind = 'plain' | 'streamed' | 'anthropic';

export interface Tally {
  ok: number;
  /** Streams ended by the protocol's error event after their first bytes (no status: the 200 was out). */
  streamErrors: number;
  /** Anything else: a status, a connection error, an empty answer. */
  failures: string[];
}

/** The gateway's retry counter, summed over reasons, from its /metrics (open on loopback). */
export async function retried(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return [...text.matchAll(/^gateway_upstream_retries_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** Steady traffic from `loops` (plain, streamed and Anthropic SDK calls) until `stop()`; `done` resolves with the tallies. */
export function steadyTraffic(base: string, key: string, loops: readonly Kind[]): { stop: () => void; done: Promise<Record<Kind, Tally>> } {
  const openai = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: key, baseURL: base, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Say something.' }];
  const calls: Record<Kind, () => Promise<string>> = {
    plain: async () => (await openai.chat.completions.create({ model: 'any', messages, max_tokens: 12 })).choices[0]?.message.content ?? '',
    streamed: async () => {
      let text = '';
      for await (const chunk of await openai.chat.completions.create({ model: 'any', messages, max_tokens: 12, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    },
    anthropic: () => anthropic.messages.stream({ model: 'any', max_tokens: 12, messages }).finalText(),
  };
  const tally = (): Tally => ({ ok: 0, streamErrors: 0, failures: [] });
  const tallies: Record<Kind, Tally> = { plain: tally(), streamed: tally(), anthropic: tally() };
  let stop = false;
  const loop = async (kind: Kind) => {
    const seen = tallies[kind];
    while (!stop) {
      try {
        if ((await calls[kind]()).length > 0) seen.ok++;
        else seen.failures.push('empty answer');
      } catch (error) {
        const status = error instanceof OpenAI.APIError || error instanceof Anthropic.APIError ? error.status : undefined;
        const midStream = status === undefined && kind !== 'plain' && (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError);
        if (midStream) seen.streamErrors++;
        else seen.failures.push(`${status ?? 'no status'}: ${(error as Error).message}`);
      }
    }
  };
  const running = loops.map(loop);
  return { stop: () => (stop = true), done: Promise.all(running).then(() => tallies) };
}

/** Three plain loops, two streamed, one Anthropic stream. */
export const TRAFFIC: readonly Kind[] = ['plain', 'plain', 'plain', 'streamed', 'streamed', 'anthropic'];

