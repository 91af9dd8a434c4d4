import { z } from 'zod';
import { queryInteger, text } from './fields';

/**
 * Cursor pagination: lists are newest first and the cursor is the last id of the previous page.
 * Ids are time-sortable, so "older than the cursor" is a plain `id < cursor` on the primary key.
 */
export const MAX_PAGE_SIZE = 100;

const CURSOR_MESSAGE = 'must be a cursor returned by a previous page';

/** A string-id cursor: an id (`dep_01jq…`), so only its characters can occur. */
const idCursorField = text(64).regex(/^[a-z]{1,8}_[0-9a-z]{1,55}$/, CURSOR_MESSAGE);

// Postgres `bigint`: the largest id a sequence can hand out.
const INT8_MAX = 2n ** 63n - 1n;
const DIGITS = /^\d+$/;

/** A cursor over a `bigint` sequence id (events, audit log): non-negative digits within int8. */
export const sequenceCursor = text(19)
  .regex(DIGITS, CURSOR_MESSAGE)
  .refine((value) => DIGITS.test(value) && BigInt(value) <= INT8_MAX, CURSOR_MESSAGE);

export const pageQuery = z.object({
  limit: queryInteger(1, MAX_PAGE_SIZE).default(20),
  cursor: idCursorField.optional(),
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
