import { isIP } from 'node:net';
import { allowedHostsField, commonEnv, httpUrl, port, positiveInt, secret, signupMode } from '@gguf/core';
import { z } from 'zod';

/** An IP address or a CIDR block: `10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`. */
function isAddressOrBlock(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const addressList = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .refine((entries) => entries.every(isAddressOrBlock), 'must be IP addresses or CIDR blocks separated by commas, e.g. 127.0.0.1,10.0.0.0/8');

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
  // Who may create an account from the sign-in page: only people with an invitation or an account made by an
  // administrator (invite, the default), or anyone, each getting an organization and its GPU quota (open).
  SIGNUP_MODE: signupMode.default('invite'),
  // Reverse proxies (IP addresses or CIDR blocks, comma-separated) whose X-Forwarded-For, -Proto and -Host are
  // believed. Unset: none are; the client's address is the socket's, and the headers are dropped at the door.
  TRUSTED_PROXIES: addressList.default([]),
  // Sign-in, sign-up and invitation attempts one client address may make per minute (a sign-in costs a 32 MiB
  // scrypt hash); beyond it, 429 until the minute ends.
  AUTH_RATE_LIMIT_PER_ADDRESS: positiveInt.default(20),
  // Failed sign-ins, and sign-up or invitation attempts, for one email address per 15 minutes; beyond it, 429.
  AUTH_RATE_LIMIT_PER_ACCOUNT: positiveInt.default(10),
  // Calls to /api/v1 without valid credentials one client address may make per minute; beyond it, 429.
  API_AUTH_FAILURES_PER_ADDRESS: positiveInt.default(60),
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
  // Host names and CIDRs `url` models may name although they are not public (an internal mirror), comma-separated;
  // the workers must list them too, since they check again when they download.
  MODEL_URL_ALLOWED_HOSTS: allowedHostsField,
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
