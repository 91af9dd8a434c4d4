import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials never reach a log line: the redaction list covers every header
 * a key can arrive in and every field name this codebase uses for a secret.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.key',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.key',
  'headers.cookie',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.upstreamSecret',
  'password',
  'token',
  'secret',
  'apiKey',
  'upstreamSecret',
];

export function createLogger(app: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const options = { name: app, level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
