import { createDatabase, type Database } from '@gguf/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps } from '../testing/test-deps';
import { fromDatabaseError, sqlStateOf } from './database-error';

/**
 * What Prisma 7 on the pg driver adapter really throws for values the database refuses, produced
 * against the real Postgres: the mapping must recognise each, and say nothing the database said.
 */
let deps: Awaited<ReturnType<typeof createTestDeps>>;
let db: Database;

beforeAll(async () => {
  deps = await createTestDeps();
  db = deps.db;
});
afterAll(() => deps.close());

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the database to refuse');
}

const audit = (details: unknown) => db.auditLog.create({ data: { action: 'probe', targetType: 'probe', actorType: 'system', details: details as object } });

describe('fromDatabaseError', () => {
  it.each([
    ['a NUL in a text column', 'P2039', '22021', () => db.user.findMany({ where: { email: 'a\u0000@example.com' } })],
    ['a NUL in a jsonb value', 'P2039', '22P05', () => audit({ name: 'a\u0000' })],
    ['an unpaired surrogate in a jsonb value', 'P2007', '22P02', () => audit({ name: 'a\ud800' })],
    ['a number beyond a Postgres integer', 'P2020', '22003', () => db.organization.findMany({ where: { maxGpus: 2 ** 31 } })],
    ['a number beyond a Postgres bigint', 'P2020', '22003', () => db.auditLog.findMany({ where: { id: { lt: 9_999_999_999_999_999_999n } } })],
    ['the year 0', 'P2039', '22008', () => db.user.findMany({ where: { createdAt: { gt: new Date('0000-01-01T00:00:00Z') } } })],
    ['the year 0 in a raw query', 'P2010', '22008', () => db.$queryRaw`SELECT 1 WHERE now() > ${new Date('0000-01-01T00:00:00Z')}`],
    ['a NUL in a raw query', 'P2010', '22021', () => db.$queryRaw`SELECT 1 WHERE ${'a\u0000'} = 'a'`],
    [
      'text too long for its column',
      'P2010',
      '22001',
      () =>
        db.$transaction(async (tx) => {
          await tx.$executeRaw`CREATE TEMP TABLE short_text (value varchar(3)) ON COMMIT DROP`;
          await tx.$executeRaw`INSERT INTO short_text VALUES (${'too long'})`;
        }),
    ],
  ])('answers %s with a 400 that keeps the database to itself', async (_label, code, sqlState, work) => {
    const error = await thrown(work);
    expect({ code: (error as { code?: string }).code, sqlState: sqlStateOf(error) }).toEqual({ code, sqlState });
    const apiError = fromDatabaseError(error);
    expect(apiError?.status).toBe(400);
    expect(apiError?.code).toBe('invalid_request');
    expect(apiError?.message).not.toMatch(/UTF8|0x00|for type|integer|bigint|date\/time|varchar|json|audit|user|P20|22/i);
  });

  it('answers a unique violation with a conflict', async () => {
    await db.user.create({ data: { id: 'usr_01jq3v8kx2m6c4t7w9yzab3def', email: 'twice@example.com', name: 'Twice' } });
    const error = await thrown(() => db.user.create({ data: { id: 'usr_01jq3v8kx2m6c4t7w9yzab3dee', email: 'twice@example.com', name: 'Again' } }));
    expect(fromDatabaseError(error)?.status).toBe(409);
  });

  it('leaves our own failures alone: they stay a 500', async () => {
    const unreachable = createDatabase('postgresql://user:secret@127.0.0.1:1/none', { poolSize: 1 });
    try {
      expect(fromDatabaseError(await thrown(() => unreachable.user.count()))).toBeNull();
    } finally {
      await unreachable.$disconnect();
    }
    // A query our code built wrong (an unknown table) and a value Prisma itself refuses.
    expect(fromDatabaseError(await thrown(() => db.$queryRaw`SELECT * FROM no_such_table`))).toBeNull();
    expect(fromDatabaseError(await thrown(() => db.user.findMany({ where: { createdAt: { gt: new Date('not a date') } } })))).toBeNull();
    expect(fromDatabaseError(new Error('boom'))).toBeNull();
    expect(fromDatabaseError({ code: 'P2020' })).toBeNull();
  });
});
