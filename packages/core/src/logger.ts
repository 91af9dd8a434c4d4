import { pino, type DestinationStream, type LevelWithSilent, type Logger, type LoggerOptions } from 'pino';

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
  // Sealed or opened stored secrets (see secrets/locations.ts), and the variables that hold secrets.
  ...['dockerTls', 'docker_tls', 'tls', 'hfToken', 'hf_token', 'hfTokenSecret', 'hf_token_secret', 'HF_TOKEN', 'LLAMA_API_KEY', 'SECRETS_KEY', 'SECRETS_KEY_PREVIOUS'].flatMap(
    (name) => [name, `*.${name}`],
  ),
];

const build = (options: LoggerOptions, destination?: DestinationStream): Logger => (destination ? pino(options, destination) : pino(options));

export function createLogger(app: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  return build({ name: app, level, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}

/**
 * A logger for lines made only of fixed, non-secret fields (ids, statuses, counts), such as the gateway's
 * access log: it skips the redaction pass, which costs about three times the line itself.
 */
export function createAccessLogger(app: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  return build({ name: app, level }, destination);
}
