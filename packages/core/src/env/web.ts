import { z } from 'zod';
import { commonEnv } from './common';
import { httpUrl, port, positiveInt, secret } from './fields';

/**
 * Variables that only work as a set: any of them without the required rest is a half-configured
 * sign-in provider, refused at boot (naming what is missing) rather than shown as a button that fails.
 */
const PROVIDER_GROUPS: { provider: string; required: readonly (keyof WebEnvShape)[]; optional: readonly (keyof WebEnvShape)[] }[] = [
  { provider: 'GitHub sign-in', required: ['AUTH_GITHUB_ID', 'AUTH_GITHUB_SECRET'], optional: [] },
  { provider: 'OIDC sign-in', required: ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_CLIENT_SECRET'], optional: ['AUTH_OIDC_NAME'] },
];

const webEnvObject = commonEnv.extend({
  // Port the dashboard and REST API listen on.
  WEB_PORT: port.default(3000),
  // Interface to bind; 0.0.0.0 serves every interface.
  HOST: z.string().default('0.0.0.0'),
  // Bearer secret for /api/v1/admin/*; compared in constant time.
  ADMIN_TOKEN: secret(24),
  // Secret that signs dashboard sessions (next-auth).
  AUTH_SECRET: secret(32),
  // Public URL of the dashboard, used in links and sign-in callbacks.
  PUBLIC_WEB_URL: httpUrl.default('http://localhost:3000'),
  // Requests per minute one caller (API key, user session or the admin token) may make to /api/v1; beyond it, 429.
  API_RATE_LIMIT_RPM: positiveInt.default(600),
  // Who may create an account from the sign-in page: anyone (open) or only people with an invitation (invite).
  SIGNUP_MODE: z.enum(['open', 'invite']).default('open'),
  // Client ID of a GitHub OAuth app; with AUTH_GITHUB_SECRET, adds "Continue with GitHub" to the sign-in page.
  AUTH_GITHUB_ID: z.string().optional(),
  // Client secret of that GitHub OAuth app.
  AUTH_GITHUB_SECRET: z.string().optional(),
  // Issuer URL of an OpenID Connect provider (its discovery document is {issuer}/.well-known/openid-configuration).
  AUTH_OIDC_ISSUER: httpUrl.optional(),
  // Client ID registered for the dashboard at that provider.
  AUTH_OIDC_CLIENT_ID: z.string().optional(),
  // Client secret registered for the dashboard at that provider.
  AUTH_OIDC_CLIENT_SECRET: z.string().optional(),
  // Label of the OIDC button ("Continue with …"); defaults to "OIDC".
  AUTH_OIDC_NAME: z.string().max(50, 'must be at most 50 characters').optional(),
  // Outgoing mail server for invitations: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465.
  // Unset: invitations are links the inviter copies and sends.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be a URL starting with smtp:// or smtps://')
    .optional(),
  // Sender of those emails, e.g. "GGUF Cloud <gguf@example.com>".
  MAIL_FROM: z.string().min(3).default('GGUF Cloud <no-reply@localhost>'),
});
type WebEnvShape = typeof webEnvObject.shape;

export const webEnv = webEnvObject.superRefine((env, ctx) => {
  for (const { provider, required, optional } of PROVIDER_GROUPS) {
    const set = [...required, ...optional].filter((name) => env[name] !== undefined);
    if (set.length === 0) continue;
    for (const name of required.filter((name) => env[name] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is required for ${provider} because ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set` });
    }
  }
});

export type WebEnv = z.infer<typeof webEnv>;
