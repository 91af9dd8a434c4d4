import type { MemberRole } from '@gguf/db';
import { hashApiKey } from '@gguf/core';
import { z } from 'zod';
import { email, name, password } from '../shared/fields';

export const invitationBody = z.object({
  email,
  role: z.enum(['admin', 'member'], { error: 'must be "admin" or "member"' }),
});

export const invitedSignUpBody = z.object({ name, password });

export interface OpenInvitation {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  role: MemberRole;
}

/** Only the SHA-256 of the token is stored, like a key: the link is the secret. */
export const invitationTokenHash = (token: string) => hashApiKey(token);
