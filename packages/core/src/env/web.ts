import { z } from 'zod';
import { commonEnv } from './common';
import { httpUrl, port, positiveInt, secret } from './fields';

export const webEnv = commonEnv.extend({
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
});

export type WebEnv = z.infer<typeof webEnv>;
