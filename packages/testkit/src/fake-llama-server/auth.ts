import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { ServerArgs } from './args';

/** What llama-server answers without an API key: health, the model list and the web UI. */
const PUBLIC_PATHS = new Set(['/health', '/v1/health', '/models', '/v1/models', '/']);

export const needsApiKey = (path: string): boolean => !PUBLIC_PATHS.has(path);

/** --api-key values plus the lines of --api-key-file, read as llama-server does: every non-empty line, untrimmed. */
export function apiKeysOf(args: ServerArgs): string[] {
  if (!args.apiKeyFile) return args.apiKeys;
  let text: string;
  try {
    text = readFileSync(args.apiKeyFile, 'utf8');
  } catch {
    throw new Error(`error while handling argument "--api-key-file": error: failed to open file '${args.apiKeyFile}'`);
  }
  return [...args.apiKeys, ...text.split('\n').filter((line) => line !== '')];
}

/**
 * llama-server's check: the Authorization header, or x-api-key when Authorization is absent, with a leading
 * "Bearer " removed, must equal one of the keys.
 */
export function authorized(req: IncomingMessage, keys: string[]): boolean {
  const xApiKey = req.headers['x-api-key'];
  let presented = req.headers.authorization || (typeof xApiKey === 'string' ? xApiKey : '');
  if (presented.startsWith('Bearer ')) presented = presented.slice('Bearer '.length);
  return keys.includes(presented);
}
