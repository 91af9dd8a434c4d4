import { Prisma } from '@gguf/db';
import { ApiError } from './api-error';

/**
 * Prisma's codes for a value the database cannot hold: too long (P2000), not valid for its column
 * (P2005, P2006, P2007, P2019, P2023), out of range (P2020), a number beyond 64 bits (P2033).
 * P2009 and P2012 (a malformed query, a missing required value) are left out: they mean our code
 * built a wrong query, which is a 500 to fix, not the caller's mistake.
 */
const VALUE_CODES = new Set(['P2000', 'P2005', 'P2006', 'P2007', 'P2019', 'P2020', 'P2023', 'P2033']);

/**
 * Postgres SQLSTATEs for the same, as the pg driver adapter reports them: with the adapter, Prisma
 * 7 gives codes it has no name for as P2039 (or P2010 from a raw query) and keeps the SQLSTATE.
 */
const VALUE_SQLSTATES = new Set([
  '22001', // string_data_right_truncation: too long for the column
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow: e.g. the year 0
  '22021', // character_not_in_repertoire: a NUL in text
  '22P02', // invalid_text_representation: e.g. an unpaired surrogate in jsonb
  '22P05', // untranslatable_character: a \u0000 in jsonb
  '54000', // program_limit_exceeded: e.g. a value too big for an index row
]);

/** The SQLSTATE behind a Prisma error raised by the pg driver adapter, if any. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined)?.cause;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
}

/**
 * The caller's mistake behind a database error, or null when the error is ours. The answer never
 * repeats the database's words: they name tables and columns and echo the value.
 */
export function fromDatabaseError(error: unknown): ApiError | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  // Two requests racing for the same unique value (a slug, a name): the loser gets a conflict.
  if (error.code === 'P2002') return new ApiError('conflict', 'This conflicts with an object that was created at the same time; retry the request.');
  const sqlState = sqlStateOf(error);
  if (VALUE_CODES.has(error.code) || (sqlState !== undefined && VALUE_SQLSTATES.has(sqlState))) {
    return new ApiError('invalid_request', 'A value in the request cannot be stored: it is too long, out of range, or not valid text.');
  }
  return null;
}
