import { parseEnv } from '@gguf/core';
import { webEnv } from '../lib/server/env';
import { describe, expect, it } from 'vitest';
import { githubProfileToUser, verifiedGithubEmail } from '../lib/auth/github-provider';
import { oauthProviders, providerButtons } from '../lib/auth/oauth-providers';
import { oidcClaimsToUser } from '../lib/auth/oidc-provider';
import { signInErrorMessage } from '../lib/auth/sign-in-error-message';

/** The sign-in providers as built from the environment; nothing here talks to a provider. */
const env = (extra: Record<string, string> = {}) =>
  parseEnv('web', webEnv, {
    DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ADMIN_TOKEN: 'a'.repeat(24),
    AUTH_SECRET: 's'.repeat(32),
    SECRETS_KEY: 'k'.repeat(32),
    ...extra,
  });
const github = { AUTH_GITHUB_ID: 'gh-id', AUTH_GITHUB_SECRET: 'gh-secret' };
const oidc = { AUTH_OIDC_ISSUER: 'https://id.example.com/realms/main/', AUTH_OIDC_CLIENT_ID: 'gguf', AUTH_OIDC_CLIENT_SECRET: 'oidc-secret' };

describe('oauthProviders', () => {
  it('offers none when none is configured', () => {
    expect(oauthProviders(env())).toEqual([]);
    expect(providerButtons(env())).toEqual([]);
  });

  it('adds GitHub with its credentials', () => {
    const [provider, ...rest] = oauthProviders(env(github));
    expect(rest).toEqual([]);
    expect(provider).toMatchObject({ id: 'github', name: 'GitHub', type: 'oauth' });
    expect(provider!.options).toMatchObject({ clientId: 'gh-id', clientSecret: 'gh-secret' });
  });

  it('adds a discovered OIDC provider with PKCE, state and the id token as the profile', () => {
    expect(oauthProviders(env(oidc))).toEqual([
      expect.objectContaining({
        id: 'oidc',
        name: 'OIDC',
        type: 'oauth',
        wellKnown: 'https://id.example.com/realms/main/.well-known/openid-configuration',
        clientId: 'gguf',
        clientSecret: 'oidc-secret',
        idToken: true,
        checks: ['pkce', 'state'],
      }),
    ]);
  });

  it('labels the buttons, GitHub first', () => {
    expect(providerButtons(env({ ...github, ...oidc, AUTH_OIDC_NAME: 'Keycloak' }))).toEqual([
      { id: 'github', name: 'GitHub' },
      { id: 'oidc', name: 'Keycloak' },
    ]);
  });
});

describe('profiles', () => {
  it('take GitHub’s primary address only when verified, else another verified one', () => {
    const email = (address: string, primary: boolean, verified: boolean) => ({ email: address, primary, verified, visibility: 'private' as const });
    expect(verifiedGithubEmail([email('a@x.io', false, true), email('p@x.io', true, true)])).toBe('p@x.io');
    expect(verifiedGithubEmail([email('p@x.io', true, false), email('a@x.io', false, true)])).toBe('a@x.io');
    expect(verifiedGithubEmail([email('p@x.io', true, false)])).toBeNull();
    expect(verifiedGithubEmail([])).toBeNull();
  });

  it('map GitHub’s answer to a provider user', () => {
    const profile = { id: 42, login: 'octo', name: null, email: 'public@x.io', verified_email: null } as unknown as Parameters<typeof githubProfileToUser>[0];
    expect(githubProfileToUser(profile)).toEqual({ id: '42', name: 'octo', email: null, emailVerified: false });
    expect(githubProfileToUser({ ...profile, name: 'Octo Cat', verified_email: 'p@x.io' })).toEqual({ id: '42', name: 'Octo Cat', email: 'p@x.io', emailVerified: true });
  });

  it('map OIDC claims, trusting the email only with email_verified', () => {
    expect(oidcClaimsToUser({ sub: 's1', preferred_username: 'kim', email: 'kim@x.io' })).toEqual({ id: 's1', name: 'kim', email: 'kim@x.io', emailVerified: false });
    expect(oidcClaimsToUser({ sub: 's1', name: 'Kim', email: 'kim@x.io', email_verified: true })).toMatchObject({ name: 'Kim', emailVerified: true });
  });
});

describe('signInErrorMessage', () => {
  it('words refusals and next-auth errors, and never echoes an unknown code', () => {
    expect(signInErrorMessage(undefined)).toBeNull();
    expect(signInErrorMessage('invite_only')).toContain('created by an administrator');
    expect(signInErrorMessage('OAuthCallback')).toContain('did not complete');
    expect(signInErrorMessage('Call 555 to unlock your account')).toBe('Sign-in failed. Try again.');
    expect(signInErrorMessage('toString')).toBe('Sign-in failed. Try again.');
  });
});
