import { randomBytes } from 'node:crypto';
import { createLogger, newId } from '@gguf/core';
import { createTestDatabase, type TestDatabase } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoppablePostgres, stoppablePostgres } from '../test/stoppable-postgres';
import { DirectWriter } from './direct-writer';
import type { UsageRecord } from './usage-rows';

/**
 * The fallback writer (usage goes straight to Postgres while Redis cannot take it), against a Postgres this
 * test stops and restores: failed writes are retried, the backlog is bounded at 100 × the batch size (oldest
 * rows dropped, and said so), usage of keys or deployments deleted meanwhile is skipped, close writes the rest.
 */
let t: TestDatabase;
let pg: StoppablePostgres;
let orgId: string;
let deploymentId: string;
const logLines: string[] = [];
const logger = createLogger('direct-writer-test', 'warn', { write: (line: string) => void logLines.push(line) });

beforeAll(async () => {
  t = await createTestDatabase();
  pg = await stoppablePostgres(t.url);
  orgId = newId('organization');
  await t.db.organization.create({ data: { id: orgId, name: 'o', slug: orgId.replace('_', '-') } });
  deploymentId = await deployment();
});
afterAll(async () => {
  await pg?.close();
  await t?.drop();
});

async function deployment(): Promise<string> {
  const id = newId('deployment');
  await t.db.deployment.create({ data: { id, orgId, name: 'd', modelName: id.toLowerCase(), modelSource: 'huggingface', modelRepo: 'o/m-GGUF', modelFile: 'm.gguf', upstreamSecret: 'x' } });
  return id;
}

async function apiKey(): Promise<string> {
  const id = newId('apiKey');
  await t.db.apiKey.create({ data: { id, orgId, name: 'k', prefix: 'gguf_x', hash: randomBytes(32).toString('hex') } });
  return id;
}

const usage = (apiKeyId: string, modelName: string, tokens = 1, deployment = deploymentId): UsageRecord => ({
  apiKeyId,
  deploymentId: deployment,
  orgId,
  modelName,
  inputTokens: tokens,
  outputTokens: tokens,
});

function writer(flushRows: number): DirectWriter {
  // A flush interval longer than any test: the test decides when to write.
  return new DirectWriter(pg.db, logger, { flushMs: 3_600_000, flushRows, lastUsedIntervalMs: 0, onWritten: () => undefined });
}

const rowsOf = (apiKeyId: string) => t.db.usageHourly.findMany({ where: { apiKeyId }, orderBy: { modelName: 'asc' } });

describe('DirectWriter', () => {
  it('keeps usage while Postgres is down and writes it, once, when it is back', async () => {
    const apiKeyId = await apiKey();
    const direct = writer(1_000);
    await pg.stop();
    try {
      for (let i = 0; i < 5; i++) direct.record(usage(apiKeyId, 'qwen', 3), Date.now());
      await direct.flush();
      await direct.flush();
      expect(logLines.some((line) => line.includes('could not write usage; will retry'))).toBe(true);
    } finally {
      await pg.restore();
    }
    direct.record(usage(apiKeyId, 'qwen', 3), Date.now());
    await direct.flush();
    await direct.flush();
    const rows = await rowsOf(apiKeyId);
    expect(rows.map((r) => [r.requests, r.inputTokens, r.outputTokens])).toEqual([[6n, 18n, 18n]]);
    expect((await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).lastUsedAt).not.toBeNull();
    await direct.close();
  });

  it('holds at most 100 × the batch size while Postgres is down, dropping the oldest rows (also those recorded during a failing write) and saying so', async () => {
    const apiKeyId = await apiKey();
    // flushRows 1: every record asks for a write, and the backlog is capped at 100 rows.
    const direct = writer(1);
    const model = (i: number) => `m${String(i).padStart(3, '0')}`;
    await pg.stop();
    try {
      // The first record starts a write (of itself alone); the other 99 arrive while it fails.
      for (let i = 0; i < 100; i++) direct.record(usage(apiKeyId, model(i)), Date.now());
      await direct.flush();
      // 101 rows: a write of them all starts, and two newer rows arrive while it fails.
      for (let i = 100; i < 103; i++) direct.record(usage(apiKeyId, model(i)), Date.now());
      await direct.flush();
    } finally {
      await pg.restore();
    }
    expect(logLines.some((line) => line.includes('usage rows dropped') && line.includes('"dropped":3'))).toBe(true);
    await direct.close();
    const rows = await rowsOf(apiKeyId);
    expect(rows.map((r) => r.modelName)).toEqual(Array.from({ length: 100 }, (_, i) => model(i + 3)));
    expect(rows.every((r) => r.requests === 1n)).toBe(true);
  });

  it('skips usage of a key or deployment deleted meanwhile and writes the rest of the batch', async () => {
    const kept = await apiKey();
    const deletedKey = await apiKey();
    const deletedDeployment = await deployment();
    const direct = writer(1_000);
    direct.record(usage(kept, 'qwen', 2), Date.now());
    direct.record(usage(deletedKey, 'qwen', 2), Date.now());
    direct.record(usage(kept, 'qwen', 2, deletedDeployment), Date.now());
    await t.db.apiKey.delete({ where: { id: deletedKey } });
    await t.db.deployment.delete({ where: { id: deletedDeployment } });
    await direct.close();
    expect((await rowsOf(kept)).map((r) => [r.deploymentId, r.requests, r.inputTokens])).toEqual([[deploymentId, 1n, 2n]]);
    expect(await t.db.usageHourly.count({ where: { OR: [{ apiKeyId: deletedKey }, { deploymentId: deletedDeployment }] } })).toBe(0);
  });

  it('writes what it holds on close', async () => {
    const apiKeyId = await apiKey();
    const direct = writer(1_000);
    direct.record(usage(apiKeyId, 'qwen', 4), Date.now());
    direct.record(usage(apiKeyId, 'llama', 5), Date.now());
    await direct.close();
    expect((await rowsOf(apiKeyId)).map((r) => [r.modelName, r.requests, r.inputTokens])).toEqual([
      ['llama', 1n, 5n],
      ['qwen', 1n, 4n],
    ]);
  });
});
