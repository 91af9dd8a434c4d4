import type { MemberRole } from '@gguf/db';
import { hashApiKey } from '@gguf/core';
import { z } from 'zod';

export const invitationBody = z.object({
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
  role: z.enum(['admin', 'member'], { error: 'must be "admin" or "member"' }),
});

export const invitedSignUpBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  password: z.string().min(12, 'must be at least 12 characters').max(200, 'must be at most 200 characters'),
});

export interface OpenInvitation {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  role: MemberRole;
}

/** Only the SHA-256 of the token is stored, like a key: the link is the secret. */
export const invitationTokenHash = (token: string) => hashApiKey(token);
