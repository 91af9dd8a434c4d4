import type { Turn } from './conversation';
import { splitPieces } from './tokenizer';

/**
 * The fake model's chat template, ChatML-like: the prompt a conversation turns into, as tokens. Each turn is
 * `<|im_start|>`, its role, its text, `<|im_end|>` and a newline; the tool definitions go at the end of the
 * system turn, as real templates put them (or first, when there is no system turn); the prompt ends by opening
 * the assistant's turn. Markers are single tokens that no text can produce, so only equal conversations render
 * equal prompts, and a change early in the system prompt changes the prompt early, as it does for llama-server.
 */

const TURN_START = '<|im_start|>';
const TURN_END = '<|im_end|>';

function toolPieces(tools: unknown): string[] {
  return Array.isArray(tools) && tools.length > 0 ? splitPieces(JSON.stringify(tools)) : [];
}

/** Appends without spreading: a long prompt has more tokens than a call may take arguments. */
function append(prompt: string[], tokens: string[]): void {
  for (const token of tokens) prompt.push(token);
}

export function renderPrompt(turns: Turn[], tools: unknown): string[] {
  const toolTokens = toolPieces(tools);
  const systemFirst = turns[0]?.role === 'system';
  const prompt: string[] = systemFirst ? [] : toolTokens;
  turns.forEach((turn, index) => {
    prompt.push(TURN_START, turn.role);
    append(prompt, splitPieces(turn.text));
    if (index === 0 && systemFirst) append(prompt, toolTokens);
    prompt.push(TURN_END, '\n');
  });
  prompt.push(TURN_START, 'assistant');
  return prompt;
}
