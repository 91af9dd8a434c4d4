import { text } from '@gguf/api';
import { z } from 'zod';

/** What the playground may send: a chat, and the two sampling knobs it offers. */
export const playgroundRequest = z.strictObject({
  messages: z
    .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: text(100_000) }))
    .min(1, 'must contain at least one message')
    .max(200, 'must contain at most 200 messages'),
  temperature: z.number().min(0, 'must be at least 0').max(2, 'must be at most 2'),
  max_tokens: z.number().int('must be a whole number').min(1, 'must be at least 1').max(32_768, 'must be at most 32768'),
});
export type PlaygroundRequest = z.infer<typeof playgroundRequest>;
