import { isJsonObject, type JsonObject } from '../http/json-body';
import { firstElementRemoval, memberRemoval, splice, topLevelMembers } from '../http/json-spans';

/**
 * Claude Code (2.1 and later) sends, as the first block of `system`, a line such as
 * `x-anthropic-billing-header: cc_version=2.1.197.3af; cc_entrypoint=sdk-cli;` whose suffix changes on every
 * request. llama-server caches the longest common prefix of consecutive prompts, and this line sits at the
 * very start of the prompt: left in, nearly the whole prompt is recomputed on every turn (measured: 33 of 3,234
 * tokens read from the cache instead of 3,233). It means nothing to llama-server, so it is removed.
 */
export const BILLING_PREFIX = 'x-anthropic-billing-header:';

function isBillingBlock(block: unknown): boolean {
  return isJsonObject(block) && block.type === 'text' && typeof block.text === 'string' && block.text.startsWith(BILLING_PREFIX);
}

/** `system` without its first line, when that line is the billing header; '' when nothing else is left. */
function stringRest(system: string): string {
  const newline = system.indexOf('\n');
  const rest = newline === -1 ? '' : system.slice(newline + 1);
  return rest.trim() === '' ? '' : rest;
}

/**
 * The request without the billing header: the first `system` block when it is a text block starting with
 * `x-anthropic-billing-header:`, or, when `system` is a string starting with it, that first line. A `system`
 * left empty is dropped. Only that is cut from the bytes; everything else reaches llama-server as the caller
 * sent it. `parsed` is updated to match. A body naming `system` twice is left alone (which one counts would be
 * the parser's choice).
 */
export function withoutBillingHeader(body: Buffer, parsed: JsonObject): Buffer {
  const system = parsed.system;
  const inArray = Array.isArray(system) && isBillingBlock(system[0]);
  const inString = typeof system === 'string' && system.startsWith(BILLING_PREFIX);
  if (!inArray && !inString) return body;
  const members = topLevelMembers(body);
  const index = members.findIndex((member) => member.key === 'system');
  if (index === -1 || members.findLastIndex((member) => member.key === 'system') !== index) return body;
  const member = members[index]!;
  if (inArray) {
    const cut = firstElementRemoval(body, member.valueStart);
    if (cut) {
      (system as unknown[]).shift();
      return splice(body, cut);
    }
  } else {
    const rest = stringRest(system as string);
    if (rest !== '') {
      parsed.system = rest;
      return splice(body, [member.valueStart, member.valueEnd], JSON.stringify(rest));
    }
  }
  delete parsed.system;
  return splice(body, memberRemoval(members, index));
}
