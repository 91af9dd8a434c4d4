import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error';
import { createTestDeps } from '../testing/test-deps';
import { IDEMPOTENCY_TTL_MS, requestFingerprint, runIdempotent } from './run-idempotent';

/**
 * docs/api.md, "Idempotency": keys are per organization, and a key names one request for 24 hours, after which
 * it may be used again. The 24 hours are tested through the stored creation time instead of by waiting.
 */
let api: Awaited<ReturnType<typeof createTestDeps>>;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  api = await createTestDeps();
  const org = async () => {
    const id = newId('organization');
    await api.db.organization.create({ data: { id, name: id, slug: id.replace('_', '-') } });
    return id;
  };
  orgA = await org();
  orgB = await org();
});
afterAll(() => api?.close());

const create = requestFingerprint('POST', '/api/v1/deployments', '{"name":"qwen"}');
const another = requestFingerprint('POST', '/api/v1/deployments', '{"name":"llama"}');

/** Runs `answer` idempotently; the work records that it ran. */
async function run(orgId: string, key: string, fingerprint: string, answer: string, ran: string[]) {
  return runIdempotent({ db: api.db }, orgId, { key, fingerprint }, 201, async () => {
    ran.push(answer);
    return { answer };
  });
}

/** Moves a stored key's creation time back, as if it had been stored `ageMs` ago. */
const age = (orgId: string, key: string, ageMs: number) =>
  api.db.idempotencyKey.update({ where: { orgId_key: { orgId, key } }, data: { createdAt: new Date(Date.now() - ageMs) } });

describe('Idempotency-Key', () => {
  it('belongs to one organization: the same key in another organization runs its own request, with any body', async () => {
    const ran: string[] = [];
    expect(await run(orgA, 'shared-key', create, 'a', ran)).toEqual({ value: { answer: 'a' }, replayed: false });
    // Same key, same request, another organization: not the first organization's answer.
    expect(await run(orgB, 'shared-key', create, 'b', ran)).toEqual({ value: { answer: 'b' }, replayed: false });
    // Each organization's retries replay its own answer.
    expect(await run(orgA, 'shared-key', create, 'a2', ran)).toEqual({ value: { answer: 'a' }, replayed: true });
    expect(await run(orgB, 'shared-key', create, 'b2', ran)).toEqual({ value: { answer: 'b' }, replayed: true });
    expect(ran).toEqual(['a', 'b']);
    // A different request under a key another organization used is no conflict; in the same organization it is.
    const other = newId('organization');
    await api.db.organization.create({ data: { id: other, name: other, slug: other.replace('_', '-') } });
    expect(await run(other, 'shared-key', another, 'c', ran)).toEqual({ value: { answer: 'c' }, replayed: false });
    const conflict = await run(orgA, 'shared-key', another, 'x', ran).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect(conflict).toMatchObject({ code: 'conflict', param: 'Idempotency-Key' });
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('replays for 24 hours, then may be used again, for the same request or another', async () => {
    expect(IDEMPOTENCY_TTL_MS).toBe(24 * 3600 * 1000);
    const ran: string[] = [];
    await run(orgA, 'daily', create, 'first', ran);
    // A minute short of 24 hours: still the first answer, and still a conflict with another request.
    await age(orgA, 'daily', IDEMPOTENCY_TTL_MS - 60_000);
    expect(await run(orgA, 'daily', create, 'again', ran)).toEqual({ value: { answer: 'first' }, replayed: true });
    await expect(run(orgA, 'daily', another, 'other', ran)).rejects.toMatchObject({ code: 'conflict' });

    // Past 24 hours: the key is free; another request under it runs and is what the key now replays.
    await age(orgA, 'daily', IDEMPOTENCY_TTL_MS + 60_000);
    expect(await run(orgA, 'daily', another, 'second', ran)).toEqual({ value: { answer: 'second' }, replayed: false });
    expect(await run(orgA, 'daily', another, 'third', ran)).toEqual({ value: { answer: 'second' }, replayed: true });
    const stored = await api.db.idempotencyKey.findUniqueOrThrow({ where: { orgId_key: { orgId: orgA, key: 'daily' } } });
    expect(stored.requestHash).toBe(another);
    expect(Date.now() - stored.createdAt.getTime()).toBeLessThan(IDEMPOTENCY_TTL_MS);

    // The same request past 24 hours runs again too: the work is not replayed forever.
    await age(orgA, 'daily', IDEMPOTENCY_TTL_MS + 60_000);
    expect(await run(orgA, 'daily', another, 'fourth', ran)).toEqual({ value: { answer: 'fourth' }, replayed: false });
    expect(ran).toEqual(['first', 'second', 'fourth']);
  });
});
