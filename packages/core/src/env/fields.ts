import { z } from 'zod';

/** Reusable environment field types, so every app reads a port or a URL the same way. */

export const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

export const positiveInt = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive');

export const durationMs = z.coerce.number({ error: 'must be a number of milliseconds' }).int('must be a whole number').min(0, 'cannot be negative');

export const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export function urlWithProtocols(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

export const postgresUrl = urlWithProtocols(['postgres:', 'postgresql:']);
export const redisUrl = urlWithProtocols(['redis:', 'rediss:']);
export const httpUrl = urlWithProtocols(['http:', 'https:']).transform((v) => v.replace(/\/+$/, ''));

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`);

/** Who may create an account from the sign-in page (the web app's SIGNUP_MODE; the API's OAuth sign-up obeys it). */
export const signupMode = z.enum(['open', 'invite']);
export type SignupMode = z.infer<typeof signupMode>;

export const httpsUrl = urlWithProtocols(['https:']).transform((v) => v.replace(/\/+$/, ''));

