import type { Prisma } from '@gguf/db';
import { z } from 'zod';

/** A model file in a node's library (MODELS_DIR/library), as its worker last reported it. */
export const libraryEntry = z.object({
  /** Relative to the library: what a `local` deployment's `model.path` names. */
  path: z.string(),
  bytes: z.number().int().min(0),
  modified_at: z.iso.datetime(),
});
export type LibraryEntry = z.infer<typeof libraryEntry>;

/**
 * The `nodes.library` column as the API shows it: null until a worker has reported, else the
 * entries. The worker writes it; an entry of another shape (an older worker) is left out rather
 * than failing the whole node listing.
 */
export function libraryOf(value: Prisma.JsonValue | null): LibraryEntry[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((item) => {
    const parsed = libraryEntry.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}
