import { createLogger, hashPassword, newId } from '@gguf/core';
import { closeRedis, createRedis } from '@gguf/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInWithPassword } from '../auth/sign-in-with-password';
import { createTestDeps } from '../testing/test-deps';
import { throttleAuthAttempt } from './throttle-auth-attempt';

let api: Awaited<ReturnType<typeof createTestDeps>>;
beforeAll(async () => {
  api = await createTestDeps();
});
afterAll(() => api?.close());

const limits = { perAddress: 3, perAccount: 2 };
// Each test has addresses and accounts of its own: test files share one Redis.
const address = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const rateLimited = (retryAfterSeconds?: number) => ({ code: 'rate_limited', status: 429, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
const minute = 1_900_000_000_000 - (1_900_000_000_000 % (15 * 60_000));

describe('throttleAuthAttempt', () => {
  it('refuses an address past its budget for the rest of the minute, then lets it in again', async () => {
    const from = address();
    for (let i = 0; i < 3; i++) await throttleAuthAttempt(api.deps, 'sign_up', { address: from }, limits, minute + 1_000);
    await expect(throttleAuthAttempt(api.deps, 'sign_up', { address: from }, limits, minute + 45_000)).rejects.toMatchObject({
      ...rateLimited(15),
      message: 'Too many sign-up attempts from your address. Retry in 15 s.',
    });
    // Other addresses and other kinds of attempt have budgets of their own.
    await expect(throttleAuthAttempt(api.deps, 'sign_up', { address: address() }, limits, minute + 45_000)).resolves.toBeDefined();
    await expect(throttleAuthAttempt(api.deps, 'invitation', { address: from }, limits, minute + 45_000)).resolves.toBeDefined();
    await expect(throttleAuthAttempt(api.deps, 'sign_up', { address: from }, limits, minute + 60_000)).resolves.toBeDefined();
  });

  it('refuses an account past its budget from any address, for 15 minutes; successes give theirs back', async () => {
    const account = `${newId('user')}@Example.com`;
    const ok = await throttleAuthAttempt(api.deps, 'sign_in', { address: address(), account }, limits, minute);
    await ok.succeeded();
    for (let i = 0; i < 2; i++) await throttleAuthAttempt(api.deps, 'sign_in', { address: address(), account: account.toLowerCase() }, limits, minute + i);
    await expect(throttleAuthAttempt(api.deps, 'sign_in', { address: address(), account }, limits, minute + 10 * 60_000)).rejects.toMatchObject({
      ...rateLimited(300),
      message: 'Too many failed sign-ins for this account. Retry in 300 s.',
    });
    await expect(throttleAuthAttempt(api.deps, 'sign_in', { address: address(), account }, limits, minute + 15 * 60_000)).resolves.toBeDefined();
  });

  it('lets everything through while Redis is unreachable, with a warning', async () => {
    const down = createRedis('redis://127.0.0.1:1', 'test-down');
    const warnings: string[] = [];
    const logger = createLogger('throttle-test', 'silent');
    logger.warn = ((_: unknown, message: string) => void warnings.push(message)) as unknown as typeof logger.warn;
    for (let i = 0; i < 5; i++) await expect(throttleAuthAttempt({ redis: down, logger }, 'sign_in', { address: '10.0.0.1', account: 'a@example.com' }, limits)).resolves.toBeDefined();
    expect(warnings[0]).toMatch(/throttling is off/);
    down.disconnect();
    await closeRedis(down).catch(() => undefined);
  });
});

describe('signInWithPassword', () => {
  // Each attempt hashes a password (seconds on a busy machine): the clock stands still a second into
  // a 15-minute window, so a slow run cannot straddle two of the fixed windows it counts in.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: minute + 1000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the attempt before the password is hashed', async () => {
    // A stored hash whose parameters scrypt refuses (1 GiB of memory): every attempt that reaches hashing throws.
    const email = `${newId('user')}@example.com`;
    await api.db.user.create({ data: { id: newId('user'), email, name: 'P', passwordHash: 'scrypt$1048576$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA' } });
    const attempt = () => signInWithPassword(api.deps, { email, password: 'guess', address: address() }, limits);
    for (let i = 0; i < 2; i++) await expect(attempt()).rejects.toThrow(/memory/i);
    await expect(attempt()).rejects.toMatchObject(rateLimited());
  });

  it('refuses once the account has failed too often, and a right password spends nothing', async () => {
    const email = `${newId('user')}@example.com`;
    await api.db.user.create({ data: { id: newId('user'), email, name: 'S', passwordHash: await hashPassword('the right password') } });
    const attempt = (password: string) => signInWithPassword(api.deps, { email, password, address: address() }, limits);
    for (let i = 0; i < 3; i++) expect(await attempt('the right password')).toMatchObject({ email });
    expect(await attempt('wrong')).toBeNull();
    expect(await attempt('wrong again')).toBeNull();
    await expect(attempt('the right password')).rejects.toMatchObject(rateLimited());
  });

  it('refuses an address that tries too many accounts', async () => {
    const from = address();
    for (let i = 0; i < 3; i++) expect(await signInWithPassword(api.deps, { email: `${newId('user')}@example.com`, password: 'x', address: from }, limits)).toBeNull();
    await expect(signInWithPassword(api.deps, { email: `${newId('user')}@example.com`, password: 'x', address: from }, limits)).rejects.toMatchObject(rateLimited());
  });
});
