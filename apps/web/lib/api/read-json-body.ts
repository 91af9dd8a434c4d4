import { ApiError } from '@gguf/api';

/** Control-plane bodies are small; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the body as text, stopping at MAX_BODY_BYTES instead of buffering whatever is sent, and
 * parses it as JSON. Returns the raw text too: the idempotency fingerprint is taken over it.
 */
export async function readJsonBody(request: Request): Promise<{ value: unknown; raw: string }> {
  const type = request.headers.get('content-type');
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ApiError('invalid_request', 'The request body must be JSON (Content-Type: application/json).');
  }
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const raw = await readCapped(request);
  if (raw.trim() === '') throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  try {
    return { value: JSON.parse(raw), raw };
  } catch {
    throw new ApiError('invalid_request', 'The request body is not valid JSON.');
  }
}

async function readCapped(request: Request): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

function tooLarge(): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
}
