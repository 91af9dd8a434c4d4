import { createLogger } from '@gguf/core';
import { createTestDatabase } from '@gguf/testkit';
import { describe, expect, it } from 'vitest';
import { createDatabase, pingDatabase } from './client';
import { waitForDatabase } from './connect';

describe('database connection', () => {
  it('pings a live database', async () => {
    const t = await createTestDatabase();
    try {
      await expect(pingDatabase(t.db)).resolves.toBeUndefined();
    } finally {
      await t.drop();
    }
  });

  it('waits for a database that is down, logging one line per attempt without a stack trace', async () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'warn', { write: (line: string) => void lines.push(line) });
    const db = createDatabase('postgresql://nobody:nothing@127.0.0.1:1/none');
    await expect(waitForDatabase(db, logger, { deadlineMs: 1500 })).rejects.toThrow();
    await db.$disconnect();
    expect(lines.length).toBeGreaterThan(0);
    const first = JSON.parse(lines[0]!);
    expect(first.msg).toMatch(/^postgres not reachable \(.+\); retrying$/);
    expect(first).toMatchObject({ level: 40, attempt: 1 });
    expect(lines.join('')).not.toMatch(/\s+at\s/);
  });
});
