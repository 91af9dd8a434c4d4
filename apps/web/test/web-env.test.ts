import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@gguf/core';
import { webEnv } from '../lib/server/env';

const base = {
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ADMIN_TOKEN: 'a'.repeat(24),
  AUTH_SECRET: 's'.repeat(32),
  SECRETS_KEY: 'k'.repeat(32),
};

function problems(source: Record<string, string>): readonly string[] {
  try {
    parseEnv('web', webEnv, { ...base, ...source });
  } catch (e) {
    if (e instanceof EnvError) return e.problems;
    throw e;
  }
  return [];
}

describe('web sign-in providers', () => {
  it('are all optional', () => {
    expect(problems({})).toEqual([]);
  });

  it('accept complete sets', () => {
    const env = parseEnv('web', webEnv, {
      ...base,
      AUTH_GITHUB_ID: 'id',
      AUTH_GITHUB_SECRET: 'secret',
      AUTH_OIDC_ISSUER: 'https://id.example.com/realms/main/',
      AUTH_OIDC_CLIENT_ID: 'gguf',
      AUTH_OIDC_CLIENT_SECRET: 'oidc-secret',
    });
    expect(env.AUTH_OIDC_ISSUER).toBe('https://id.example.com/realms/main');
    expect(env.AUTH_OIDC_NAME).toBeUndefined();
  });

  it('refuse half a GitHub pair, naming the missing variable', () => {
    expect(problems({ AUTH_GITHUB_ID: 'id' })).toEqual(['AUTH_GITHUB_SECRET: is required for GitHub sign-in because AUTH_GITHUB_ID is set']);
    expect(problems({ AUTH_GITHUB_SECRET: 'secret' })).toEqual(['AUTH_GITHUB_ID: is required for GitHub sign-in because AUTH_GITHUB_SECRET is set']);
  });

  it('refuse an incomplete OIDC set, even when only its button label is set', () => {
    expect(problems({ AUTH_OIDC_ISSUER: 'https://id.example.com', AUTH_OIDC_CLIENT_ID: 'gguf' })).toEqual([
      'AUTH_OIDC_CLIENT_SECRET: is required for OIDC sign-in because AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID are set',
    ]);
    expect(problems({ AUTH_OIDC_NAME: 'Keycloak' })).toEqual([
      'AUTH_OIDC_ISSUER: is required for OIDC sign-in because AUTH_OIDC_NAME is set',
      'AUTH_OIDC_CLIENT_ID: is required for OIDC sign-in because AUTH_OIDC_NAME is set',
      'AUTH_OIDC_CLIENT_SECRET: is required for OIDC sign-in because AUTH_OIDC_NAME is set',
    ]);
  });

  it('explain a malformed issuer', () => {
    expect(problems({ AUTH_OIDC_ISSUER: 'id.example.com', AUTH_OIDC_CLIENT_ID: 'gguf', AUTH_OIDC_CLIENT_SECRET: 'x' })).toEqual([
      'AUTH_OIDC_ISSUER: must be a URL starting with http:// or https://',
    ]);
  });
});

describe('web mail settings', () => {
  it('take an smtp:// or smtps:// URL and never echo it, since it may hold a password', () => {
    expect(problems({ SMTP_URL: 'smtps://mailer:pa55@mail.example.com:465' })).toEqual([]);
    const refused = problems({ SMTP_URL: 'mail.example.com:pa55' });
    expect(refused).toEqual(['SMTP_URL: must be a URL starting with smtp:// or smtps://']);
    expect(refused.join('')).not.toContain('pa55');
  });
});

describe('web front-door settings', () => {
  it('take invitation-only sign-up by default', () => {
    expect(parseEnv('web', webEnv, base).SIGNUP_MODE).toBe('invite');
    expect(parseEnv('web', webEnv, { ...base, SIGNUP_MODE: 'open' }).SIGNUP_MODE).toBe('open');
  });

  it('trust no proxy unless told, and read addresses and CIDR blocks', () => {
    expect(parseEnv('web', webEnv, base).TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv('web', webEnv, { ...base, TRUSTED_PROXIES: ' 127.0.0.1, 10.0.0.0/8,fd00::/8 ,::1' }).TRUSTED_PROXIES).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1']);
  });

  it.each(['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', '300.1.1.1', '10.0.0.0/x'])('refuse a proxy list with %s', (entry) => {
    expect(problems({ TRUSTED_PROXIES: `127.0.0.1,${entry}` })).toEqual(['TRUSTED_PROXIES: must be IP addresses or CIDR blocks separated by commas, e.g. 127.0.0.1,10.0.0.0/8']);
  });
});
