/**
 * llama-server's prompt cache, per slot: a slot keeps the tokens of its last prompt and what it generated, and
 * a new prompt in that slot reuses the longest common prefix instead of computing it again. These are the pure
 * decisions; SlotPool holds the state.
 */

export function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  const end = Math.min(a.length, b.length);
  let n = 0;
  while (n < end && a[n] === b[n]) n++;
  return n;
}

/**
 * Tokens of `prompt` read from the slot instead of computed: the common prefix with what the slot holds, but
 * never the whole prompt, since the model must evaluate at least one token to start generating (so an identical
 * prompt of 3,234 tokens reads 3,233). `cache_prompt: false` in a request turns reuse off.
 */
export function cachedTokenCount(held: readonly string[], prompt: readonly string[], cachePrompt: boolean): number {
  if (!cachePrompt) return 0;
  return Math.min(commonPrefixLength(held, prompt), Math.max(prompt.length - 1, 0));
}

export interface SlotState {
  busy: boolean;
  /** The last prompt and the tokens generated after it. */
  tokens: readonly string[];
  /** When the slot was last released; -1 if never used. */
  lastUsed: number;
}

/**
 * get_available_slot: among idle slots holding tokens, the one whose common prefix covers the largest share of
 * the new prompt, if that share exceeds `similarity` (`--slot-prompt-similarity`, 0 turns this off); otherwise
 * the least recently used idle slot, the last one on a tie, as llama-server's `<=` comparison picks it.
 */
export function chooseSlot(slots: readonly SlotState[], prompt: readonly string[], similarity: number): number | undefined {
  if (similarity !== 0 && prompt.length > 0) {
    let best: number | undefined;
    let bestShare = 0;
    slots.forEach((slot, id) => {
      if (slot.busy || slot.tokens.length === 0) return;
      const share = commonPrefixLength(slot.tokens, prompt) / prompt.length;
      if (share > bestShare && share > similarity) {
        bestShare = share;
        best = id;
      }
    });
    if (best !== undefined) return best;
  }
  let lru: number | undefined;
  slots.forEach((slot, id) => {
    if (!slot.busy && (lru === undefined || slot.lastUsed <= (slots[lru]?.lastUsed ?? -1))) lru = id;
  });
  return lru;
}
