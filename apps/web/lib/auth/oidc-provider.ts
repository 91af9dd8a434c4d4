import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { ProviderUser } from './provider-user';

/** The standard OpenID Connect claims we read from the id token. */
export interface OidcClaims {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
}

export function oidcClaimsToUser(claims: OidcClaims): ProviderUser {
  return {
    id: claims.sub,
    name: claims.name ?? claims.preferred_username ?? null,
    email: claims.email ?? null,
    // Providers that do not vouch for the address (no email_verified claim) cannot match an account by it.
    emailVerified: claims.email_verified === true,
  };
}

/**
 * Any OpenID Connect provider (Keycloak, Authentik, Google, …) found through its discovery
 * document. The profile comes from the signed id token, so no userinfo call is needed.
 */
export function oidcProvider(issuer: string, clientId: string, clientSecret: string, name: string): OAuthConfig<OidcClaims> {
  return {
    id: 'oidc',
    name,
    type: 'oauth',
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile: oidcClaimsToUser,
  };
}
