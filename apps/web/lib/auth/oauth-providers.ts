import type { WebEnv } from '../server/env';
import { githubProvider } from './github-provider';
import { oidcProvider } from './oidc-provider';

/** The identity providers the environment configures (the env schema refuses half-configured ones). */
export function oauthProviders(env: WebEnv) {
  return [
    ...(env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? [githubProvider(env.AUTH_GITHUB_ID, env.AUTH_GITHUB_SECRET)] : []),
    ...(env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET
      ? [oidcProvider(env.AUTH_OIDC_ISSUER, env.AUTH_OIDC_CLIENT_ID, env.AUTH_OIDC_CLIENT_SECRET, env.AUTH_OIDC_NAME ?? 'OIDC')]
      : []),
  ];
}

export interface ProviderButton {
  id: string;
  name: string;
}

/** One "Continue with …" button per configured provider, named as next-auth knows it. */
export function providerButtons(env: WebEnv): ProviderButton[] {
  return oauthProviders(env).map(({ id, name }) => ({ id, name }));
}
