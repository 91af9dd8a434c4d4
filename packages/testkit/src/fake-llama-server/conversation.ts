/** One message reduced to what the fake model looks at: who said it and its text. */
export interface Turn {
  role: string;
  text: string;
  /** The turn returns tool output; the model answers it in prose instead of calling the tool again. */
  toolResult: boolean;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOfParts(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!isRecord(part)) return '';
      if (typeof part.text === 'string') return part.text;
      // Anthropic tool_use blocks; their arguments are part of the prompt a template would render.
      if (part.type === 'tool_use') return JSON.stringify(part.input ?? {});
      if (part.type === 'tool_result') return textOfParts(part.content);
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

/** OpenAI chat messages; callers have checked that each one is an object with a string role. */
export function openAiTurns(messages: Record<string, unknown>[]): Turn[] {
  return messages.map((message) => {
    const role = String(message.role);
    const calls = Array.isArray(message.tool_calls) ? JSON.stringify(message.tool_calls) : '';
    const text = [textOfParts(message.content), calls].filter(Boolean).join('\n');
    return { role, text, toolResult: role === 'tool' || role === 'function' };
  });
}

/** Anthropic messages plus the top-level system prompt (a string or text blocks). */
export function anthropicTurns(system: unknown, messages: Record<string, unknown>[]): Turn[] {
  const turns: Turn[] = [];
  const systemText = textOfParts(system);
  if (systemText) turns.push({ role: 'system', text: systemText, toolResult: false });
  for (const message of messages) {
    const content = message.content;
    const toolResult = Array.isArray(content) && content.some((block) => isRecord(block) && block.type === 'tool_result');
    turns.push({ role: String(message.role), text: textOfParts(content), toolResult });
  }
  return turns;
}

/** The turn the reply answers: the last one from the user or a tool. */
export function lastUserTurn(turns: Turn[]): Turn | undefined {
  return turns.findLast((turn) => turn.role === 'user' || turn.toolResult);
}
