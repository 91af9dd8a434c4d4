import { z } from 'zod';

/**
 * Cursor pagination: lists are newest first and the cursor is the last id of the previous page.
 * Ids are time-sortable, so "older than the cursor" is a plain `id < cursor` on the primary key.
 */
export const MAX_PAGE_SIZE = 100;

export const pageQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(20),
  cursor: z.string().max(64, 'must be at most 64 characters').optional(),
});

export type PageQuery = z.infer<typeof pageQuery>;

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Rows fetched with `take: limit + 1`: the extra row only says whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string, serialize: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(serialize), next_cursor: rows.length > limit && last ? cursorOf(last) : null };
}

/** Prisma `where` fragment and ordering for a string-id cursor. */
export function idCursor(query: PageQuery) {
  return { where: query.cursor ? { id: { lt: query.cursor } } : {}, orderBy: { id: 'desc' as const }, take: query.limit + 1 };
}
