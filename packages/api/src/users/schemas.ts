import { z } from 'zod';
import { email, name, password } from '../shared/fields';
import { listOf } from '../shared/pagination';

export const createUserBody = z.strictObject({
  email,
  name,
  /** Omit to have one generated; it is returned once, in the response. */
  password: password.optional(),
  is_platform_admin: z.boolean().default(false),
});
export type CreateUserInput = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({
    name: name.optional(),
    password: password.optional(),
    /** true disables sign-in at once (sessions included); false enables it again. */
    disabled: z.boolean().optional(),
    is_platform_admin: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const user = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  is_platform_admin: z.boolean(),
  disabled_at: z.iso.datetime().nullable(),
  last_login_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
export type UserObject = z.infer<typeof user>;

/** A generated password is shown here once. */
export const createdUser = user.extend({ password: z.string().optional() });
export const userList = listOf(user);
