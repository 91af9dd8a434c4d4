import { isRecord } from './conversation';
import { typeError } from './nlohmann-json';

/**
 * The checks llama-server makes on a chat request before applying its chat template, with its statuses:
 * what it throws as std::invalid_argument is a 400, every other exception (runtime_error, a JSON type error)
 * a 500. The fake refuses the same requests the same way, so a gateway in front of it is tested for real.
 */

export interface Refusal {
  status: 400 | 500;
  message: string;
}

const invalid = (message: string): Refusal => ({ status: 400, message });
const exception = (message: string): Refusal => ({ status: 500, message });
const MMPROJ_HINT = 'hint: if this is unexpected, you may need to provide the mmproj';
const CONTENT_REF = '(ref: https://github.com/ggml-org/llama.cpp/issues/8367)';
const dump = (value: unknown) => JSON.stringify(value) ?? 'null';

/** Without --jinja, tools and any string tool_choice but "auto" are runtime errors (a tool_choice object reads as "auto"). */
export function jinjaRefusal(jinja: boolean, tools: unknown, toolChoice: unknown): Refusal | undefined {
  if (jinja) return undefined;
  if (Array.isArray(tools) && tools.length > 0) return exception('tools param requires --jinja flag');
  if (typeof toolChoice === 'string' && toolChoice !== 'auto') return exception('tool_choice param requires --jinja flag');
  return undefined;
}

/** `n` other than 1 (a non-number reads as 1). */
export function choicesRefusal(n: unknown): Refusal | undefined {
  return typeof n === 'number' && n !== 1 ? exception('Only one completion choice is allowed') : undefined;
}

function toolCallProblem(call: unknown): string | undefined {
  if (!isRecord(call) || !('type' in call)) return `Missing tool call type: ${dump(call)}`;
  if (call.type !== 'function') return `Unsupported tool call type: ${dump(call)}`;
  if (!('function' in call)) return `Missing tool call function: ${dump(call)}`;
  const fn = call.function;
  if (!isRecord(fn) || !('name' in fn)) return `Missing tool call name: ${dump(call)}`;
  if (typeof fn.name !== 'string') return typeError('string', fn.name);
  if (!('arguments' in fn)) return "[json.exception.out_of_range.403] key 'arguments' not found";
  if (typeof fn.arguments !== 'string') return typeError('string', fn.arguments);
  if ('id' in call && typeof call.id !== 'string') return typeError('string', call.id);
  return undefined;
}

/** common_chat_msgs_parse_oaicompat, whose exceptions llama-server wraps as "Failed to parse messages: …". */
function messageProblem(message: unknown): string | undefined {
  if (!isRecord(message)) return `Expected 'message' to be an object, got ${dump(message)}`;
  if (!('role' in message)) return `Missing 'role' in message: ${dump(message)}`;
  if (typeof message.role !== 'string') return typeError('string', message.role);
  const content = message.content;
  if (Array.isArray(content)) {
    for (const part of content) {
      if (!isRecord(part) || !('type' in part)) return `Missing content part type: ${dump(part)}`;
      if (part.type !== 'text') return `Unsupported content part type: ${dump(part.type)}`;
      if (!('text' in part)) return "[json.exception.out_of_range.403] key 'text' not found";
      if (typeof part.text !== 'string') return typeError('string', part.text);
    }
  } else if ('content' in message && typeof content !== 'string' && content !== null) {
    return `Invalid 'content' type: expected string or array, got ${dump(content)} ${CONTENT_REF}`;
  }
  if ('tool_calls' in message && message.tool_calls !== null) {
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : [message.tool_calls]) {
      const problem = toolCallProblem(call);
      if (problem) return problem;
    }
  }
  const notString = ['reasoning_content', 'name', 'tool_call_id'].find((field) => field in message && typeof message[field] !== 'string');
  return notString ? typeError('string', message[notString]) : undefined;
}

/** The request-level checks on each message, then the message parser; `messages: []` passes, as it does upstream. */
export function chatMessagesRefusal(messages: unknown): Refusal | undefined {
  if (messages === undefined) return invalid("'messages' is required");
  if (!Array.isArray(messages)) return invalid("Expected 'messages' to be an array");
  for (const message of messages) {
    const has = (field: string) => isRecord(message) && field in message;
    const role = isRecord(message) && typeof message.role === 'string' ? message.role : '';
    if (!has('content')) {
      if (role !== 'assistant') return invalid("All non-assistant messages must contain 'content'");
      if (!has('tool_calls')) return invalid("Assistant message must contain either 'content' or 'tool_calls'!");
      continue;
    }
    const content = (message as Record<string, unknown>).content;
    if (typeof content === 'string' || content === null) continue;
    if (!Array.isArray(content)) return invalid("Expected 'content' to be a string or an array");
    for (const part of content) {
      const type = isRecord(part) && typeof part.type === 'string' ? part.type : '';
      if (type === 'image_url') return exception(`image input is not supported - ${MMPROJ_HINT}`);
      if (type === 'input_audio') return exception(`audio input is not supported - ${MMPROJ_HINT}`);
      if (type !== 'text') return invalid('unsupported content[].type');
    }
  }
  for (const message of messages) {
    const problem = messageProblem(message);
    if (problem) return exception(`Failed to parse messages: ${problem}`);
  }
  return undefined;
}
