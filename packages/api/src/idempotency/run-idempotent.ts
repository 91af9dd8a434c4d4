import { createHash } from 'node:crypto';
import type { Prisma } from '@gguf/db';
import type { ApiDeps, Tx } from '../deps';
import { ApiError } from '../errors/api-error';

/** Stripe's rule: a key names one request for a day; after that it may be used again. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface Idempotency {
  key: string;
  /** Identifies the request (method, path, body): the same key with another request is refused. */
  fingerprint: string;
}

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n${body}`).digest('hex');
}

export interface IdempotentResult<T> {
  value: T;
  /** True when this is the stored answer to an earlier request, so no side effect may run again. */
  replayed: boolean;
}

/**
 * Runs `work` in a transaction that also stores its answer under (org, key). A concurrent retry
 * with the same key blocks on the primary key until the first commits, then fails the insert and
 * replays the stored answer: the work runs at most once per key.
 */
export async function runIdempotent<T extends Prisma.InputJsonValue>(
  deps: Pick<ApiDeps, 'db'>,
  orgId: string,
  idempotency: Idempotency | undefined,
  statusCode: number,
  work: (tx: Tx) => Promise<T>,
): Promise<IdempotentResult<T>> {
  if (!idempotency) return { value: await deps.db.$transaction(work), replayed: false };
  if (idempotency.key.length === 0 || idempotency.key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ApiError('invalid_request', `The Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'Idempotency-Key');
  }
  const earlier = await replay<T>(deps, orgId, idempotency);
  if (earlier) return earlier;
  try {
    const value = await deps.db.$transaction(async (tx) => {
      const result = await work(tx);
      await tx.idempotencyKey.create({
        data: { orgId, key: idempotency.key, requestHash: idempotency.fingerprint, statusCode, responseBody: result },
      });
      return result;
    });
    return { value, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await replay<T>(deps, orgId, idempotency);
    if (winner) return winner;
    throw error;
  }
}

async function replay<T>(deps: Pick<ApiDeps, 'db'>, orgId: string, idempotency: Idempotency): Promise<IdempotentResult<T> | null> {
  const row = await deps.db.idempotencyKey.findUnique({ where: { orgId_key: { orgId, key: idempotency.key } } });
  if (!row) return null;
  if (Date.now() - row.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
    await deps.db.idempotencyKey.deleteMany({ where: { orgId, key: idempotency.key, createdAt: row.createdAt } });
    return null;
  }
  if (row.requestHash !== idempotency.fingerprint) {
    throw new ApiError(
      'conflict',
      'This Idempotency-Key was already used with a different request; use a new key for a new request.',
      'Idempotency-Key',
    );
  }
  return { value: row.responseBody as T, replayed: true };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'P2002';
}
