// The multi-turn chat traffic bench/replicas.ts replays: seeded, so every mode replays the very same
// conversations. They share one system prompt (an assistant's instructions, as an application sends on every
// request) and each opens with a question of its own, then asks follow-ups after a pause; the assistant's replies
// come from the server and are appended as they were answered, as any chat client does. Answer lengths and pauses
// vary, so conversations drift apart in time as real ones do instead of moving in lockstep.

import { seededRandom } from '@gguf/testkit';


const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tor', 've', 'sa', 'quin', 'bel', 'do', 'ra', 'nu', 'pe', 'lis', 'gan', 'cho', 'tri', 'mos', 'el', 'dar'];

/** A vocabulary of made-up words: the fake llama-server counts a word with its leading space as one token. */
function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const length = 1 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

/** Text of `count` words, in sentences. */
function text(random: () => number, words: readonly string[], count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = words[Math.floor(random() * words.length)]!;
    out.push(i % 12 === 11 ? `${word}.` : word);
  }
  return `${out.join(' ')}?`;
}

const between = (random: () => number, [low, high]: readonly [number, number]) => low + Math.floor(random() * (high - low + 1));

export interface Conversation {
  /** Stands for the end user; sent as OpenAI `user` where a mode gives the gateway one. */
  user: string;
  /** The opening question, then one follow-up per later turn. */
  questions: string[];
  /** Tokens of the answer to each question. */
  replyTokens: number[];
  /** Pause before each question after the first (the user reading and typing), in ms. */
  thinkMs: number[];
}

export interface Traffic {
  system: string;
  conversations: Conversation[];
}

export interface TrafficShape {
  seed: number;
  conversations: number;
  turns: number;
  /** Words of the shared system prompt (about as many tokens; each sentence end adds one). */
  systemWords: number;
  /** Words of an opening question, low and high. */
  openingWords: readonly [number, number];
  /** Words of a follow-up, low and high. */
  followUpWords: readonly [number, number];
  /** Tokens of an answer, low and high. */
  replyTokens: readonly [number, number];
  /** Pause before a follow-up, low and high, in ms. */
  thinkMs: readonly [number, number];
}

export function makeTraffic(shape: TrafficShape): Traffic {
  const random = seededRandom(shape.seed);
  const words = vocabulary(random, 3000);
  const system = `You are the support assistant of a company. ${text(random, words, shape.systemWords)}`;
  const conversations = Array.from({ length: shape.conversations }, (_, c) => ({
    user: `end-user-${c + 1}`,
    questions: Array.from({ length: shape.turns }, (_, turn) => text(random, words, between(random, turn === 0 ? shape.openingWords : shape.followUpWords))),
    replyTokens: Array.from({ length: shape.turns }, () => between(random, shape.replyTokens)),
    thinkMs: Array.from({ length: shape.turns }, (_, turn) => (turn === 0 ? 0 : between(random, shape.thinkMs))),
  }));
  return { system, conversations };
}
