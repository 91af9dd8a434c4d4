import { type z } from 'zod';

/** Raised at boot when the environment is missing or malformed; the message names every variable at fault. */
export class EnvError extends Error {
  constructor(
    readonly app: string,
    readonly problems: readonly string[],
  ) {
    super(`${app}: invalid environment\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/**
 * Parses `source` (normally `process.env`) with an app's schema. Empty strings count as unset,
 * as they do when docker-compose or a shell passes `VAR=`. Values are never echoed back, since
 * some of them are secrets.
 */
export function parseEnv<S extends z.ZodType>(app: string, schema: S, source: Record<string, string | undefined> = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && cleaned[name] === undefined;
    return `${name}: ${missing ? 'is required but not set' : issue.message}`;
  });
  throw new EnvError(app, problems);
}

/** Parses the environment or ends the process with a readable message (exit code 78, EX_CONFIG). */
export function loadEnvOrExit<S extends z.ZodType>(app: string, schema: S, source: Record<string, string | undefined> = process.env): z.infer<S> {
  try {
    return parseEnv(app, schema, source);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
