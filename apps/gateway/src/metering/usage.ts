/** Token counts as the two protocols report them: OpenAI `prompt_tokens`/`completion_tokens`, Anthropic `input_tokens`/`output_tokens`. */
export interface Tokens {
  input: number;
  output: number;
}

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined);

/**
 * Reads a `usage` object of either protocol into `into`; fields it does not carry are left as they were.
 * Input means every prompt token the request carried: OpenAI's `prompt_tokens` counts those read from
 * llama-server's prompt cache, Anthropic's `input_tokens` does not (they are `cache_read_input_tokens`), so
 * the two are added there, and a Claude Code turn read from the cache is not metered as a handful of tokens.
 */
export function readUsage(usage: unknown, into: Tokens): boolean {
  if (typeof usage !== 'object' || usage === null) return false;
  const u = usage as Record<string, unknown>;
  const anthropicInput = count(u.input_tokens);
  const input =
    count(u.prompt_tokens) ??
    (anthropicInput === undefined ? undefined : anthropicInput + (count(u.cache_read_input_tokens) ?? 0) + (count(u.cache_creation_input_tokens) ?? 0));
  const output = count(u.completion_tokens) ?? count(u.output_tokens);
  if (input !== undefined) into.input = input;
  if (output !== undefined) into.output = output;
  return input !== undefined || output !== undefined;
}

/**
 * The `usage` object of a JSON response body, found by scanning for the key and matching braces instead of
 * parsing the whole body (an embeddings reply can be megabytes of floats). The last occurrence wins, which is
 * the top-level one in llama-server's replies.
 */
export function usageInJson(body: string): unknown {
  let at = body.lastIndexOf('"usage"');
  while (at !== -1) {
    const open = body.indexOf('{', at);
    // Only `"usage": {`; the word may also occur inside a string.
    if (open !== -1 && body.slice(at + 7, open).trim() === ':') {
      const close = matchingBrace(body, open);
      if (close !== -1) {
        try {
          return JSON.parse(body.slice(open, close + 1));
        } catch {
          // Not the object we were looking for; keep searching earlier in the body.
        }
      }
    }
    at = at === 0 ? -1 : body.lastIndexOf('"usage"', at - 1);
  }
  return undefined;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i;
  }
  return -1;
}
