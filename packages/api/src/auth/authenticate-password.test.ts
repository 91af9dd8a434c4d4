import { hashPassword, newId } from '@gguf/core';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatePassword } from './authenticate-password';

let t: TestDatabase;
const id = newId('user');

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.user.create({ data: { id, email: 'ops@example.com', name: 'Ops', passwordHash: await hashPassword('the right password'), isPlatformAdmin: true } });
});
afterAll(() => t.drop());

describe('authenticatePassword', () => {
  it('signs in with the right password, whatever the email case, and records the login', async () => {
    expect(await authenticatePassword(t.db, ' OPS@example.com ', 'the right password')).toEqual({ id, email: 'ops@example.com', name: 'Ops', isPlatformAdmin: true });
    expect((await t.db.user.findUniqueOrThrow({ where: { id } })).lastLoginAt).not.toBeNull();
  });

  it('refuses a wrong password, an unknown user and a disabled user', async () => {
    expect(await authenticatePassword(t.db, 'ops@example.com', 'wrong')).toBeNull();
    expect(await authenticatePassword(t.db, 'nobody@example.com', 'the right password')).toBeNull();
    await t.db.user.update({ where: { id }, data: { disabledAt: new Date() } });
    expect(await authenticatePassword(t.db, 'ops@example.com', 'the right password')).toBeNull();
  });
});
