import { afterEach, describe, expect, it, vi } from 'vitest';
import { commonEnv, EnvError, loadEnvOrExit, parseEnv, port, secret } from './index';

/** A schema shaped like an app's (each app's own lives beside its main.ts and extends commonEnv). */
const appEnv = commonEnv.extend({ APP_PORT: port.default(3001), ADMIN_TOKEN: secret(24) });

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', SECRETS_KEY: 'k'.repeat(32) };
const problems = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  throw new Error('expected an EnvError');
};

describe('parseEnv', () => {
  it('applies defaults', () => {
    const env = parseEnv('app', appEnv, { ...base, ADMIN_TOKEN: 'a'.repeat(24) });
    expect(env).toMatchObject({ APP_PORT: 3001, LOG_LEVEL: 'info', PUBLIC_GATEWAY_URL: 'http://localhost:3001' });
  });

  it('names every missing variable', () => {
    expect(problems(() => parseEnv('app', appEnv, {}))).toEqual([
      'DATABASE_URL: is required but not set',
      'REDIS_URL: is required but not set',
      'SECRETS_KEY: is required but not set',
      'ADMIN_TOKEN: is required but not set',
    ]);
  });

  it('treats empty strings as unset', () => {
    expect(problems(() => parseEnv('app', appEnv, { ...base, ADMIN_TOKEN: 'a'.repeat(24), REDIS_URL: '' }))).toEqual(['REDIS_URL: is required but not set']);
    expect(parseEnv('app', appEnv, { ...base, ADMIN_TOKEN: 'a'.repeat(24), APP_PORT: '' }).APP_PORT).toBe(3001);
  });

  it.each([
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: must be a URL starting with postgres:// or postgresql://'],
    ['REDIS_URL', 'not a url', 'REDIS_URL: must be a URL starting with redis:// or rediss://'],
    ['APP_PORT', 'eighty', 'APP_PORT: must be a port number'],
    ['APP_PORT', '70000', 'APP_PORT: must be between 1 and 65535'],
    ['APP_PORT', '80.5', 'APP_PORT: must be a whole number'],
    ['PUBLIC_GATEWAY_URL', 'ftp://x', 'PUBLIC_GATEWAY_URL: must be a URL starting with http:// or https://'],
  ])('explains a malformed %s', (name, value, message) => {
    expect(problems(() => parseEnv('app', appEnv, { ...base, ADMIN_TOKEN: 'a'.repeat(24), [name]: value }))).toEqual([message]);
  });

  it('explains an unknown log level', () => {
    expect(problems(() => parseEnv('app', appEnv, { ...base, ADMIN_TOKEN: 'a'.repeat(24), LOG_LEVEL: 'loud' }))[0]).toMatch(/^LOG_LEVEL: /);
  });

  it('never echoes a value back, since it may be a secret', () => {
    const error = (() => {
      try {
        parseEnv('web', appEnv, { ...base, ADMIN_TOKEN: 'short-secret-value' });
      } catch (e) {
        return e as EnvError;
      }
    })();
    expect(error?.message).toContain('ADMIN_TOKEN: must be at least 24 characters');
    expect(error?.message).not.toContain('short-secret-value');
    expect(error?.message).toMatch(/^web: invalid environment/);
  });

  it.each([commonEnv, appEnv])('requires SECRETS_KEY of at least 32 characters in every app, never echoing it', (schema) => {
    const refused = problems(() => parseEnv('app', schema, { ...base, ADMIN_TOKEN: 'a'.repeat(24), AUTH_SECRET: 's'.repeat(32), SECRETS_KEY: 'too-short-key', SECRETS_KEY_PREVIOUS: 'old' }));
    expect(refused).toEqual(['SECRETS_KEY: must be at least 32 characters', 'SECRETS_KEY_PREVIOUS: must be at least 32 characters']);
    expect(refused.join('')).not.toMatch(/too-short-key|old/);
    const { SECRETS_KEY: _, ...withoutKey } = base;
    expect(problems(() => parseEnv('app', schema, { ...withoutKey, ADMIN_TOKEN: 'a'.repeat(24), AUTH_SECRET: 's'.repeat(32) }))).toEqual(['SECRETS_KEY: is required but not set']);
  });

  it('strips a trailing slash from public URLs', () => {
    expect(parseEnv('app', commonEnv, { ...base, PUBLIC_GATEWAY_URL: 'https://gw.example.com/' }).PUBLIC_GATEWAY_URL).toBe(
      'https://gw.example.com',
    );
  });
});

describe('loadEnvOrExit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the problems and exits with EX_CONFIG', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => loadEnvOrExit('worker', commonEnv, {})).toThrow('exit 78');
    expect(exit).toHaveBeenCalledWith(78);
    expect(String(write.mock.calls[0]?.[0])).toContain('DATABASE_URL: is required but not set');
  });

  it('returns the parsed environment when it is good', () => {
    expect(loadEnvOrExit('worker', commonEnv, base).REDIS_URL).toBe(base.REDIS_URL);
  });
});
