import { testEnv } from '@gguf/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from './channels';
import { closeRedis, createRedis } from './connection';
import { createDeploymentQueue, enqueueDeploymentSync } from './jobs';
import { appendDeploymentLogs, clearDeploymentLogs, MAX_LOG_LINES, readDeploymentLogs } from './logs';
import { publishApiKeyChanged } from './publish';

const redis = createRedis(testEnv('redisUrl'), 'test');
afterAll(() => closeRedis(redis));

describe('deployment logs', () => {
  it('keeps the newest lines, capped, oldest first', async () => {
    const id = `dep_logs_${Date.now()}`;
    await appendDeploymentLogs(redis, id, Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => `line ${i}`));
    expect(await readDeploymentLogs(redis, id, 3)).toEqual([`line ${MAX_LOG_LINES + 2}`, `line ${MAX_LOG_LINES + 3}`, `line ${MAX_LOG_LINES + 4}`]);
    expect(await readDeploymentLogs(redis, id, 1e9)).toHaveLength(MAX_LOG_LINES);
    await clearDeploymentLogs(redis, id);
    expect(await readDeploymentLogs(redis, id, 10)).toEqual([]);
  });
});

describe('job catalogue', () => {
  it('queues one sync per deployment, generation and desired state, and validates payloads', async () => {
    const queue = createDeploymentQueue(redis);
    const deploymentId = `dep_jobs_${Date.now()}`;
    const payload = { deploymentId, generation: 1, desiredState: 'running' as const, reason: 'created' };
    await enqueueDeploymentSync(queue, payload);
    await enqueueDeploymentSync(queue, payload);
    await enqueueDeploymentSync(queue, { ...payload, generation: 2 });
    const waiting = (await queue.getWaiting()).filter((job) => job.data.deploymentId === deploymentId);
    expect(waiting.map((job) => job.id).sort()).toEqual([`sync-${deploymentId}-g1-running`, `sync-${deploymentId}-g2-running`]);
    await expect(enqueueDeploymentSync(queue, { ...payload, generation: 0 })).rejects.toThrow();
    await queue.obliterate({ force: true });
    await queue.close();
  });
});

describe('change notifications', () => {
  it('reach subscribers as validated JSON', async () => {
    const subscriber = createRedis(testEnv('redisUrl'), 'test-sub');
    await subscriber.subscribe(CHANNELS.apiKeys);
    const received = new Promise<string>((resolve) => subscriber.on('message', (_, message) => resolve(message)));
    await publishApiKeyChanged(redis, { kind: 'revoked', apiKeyId: 'key_x', hash: 'ab' });
    expect(JSON.parse(await received)).toEqual({ kind: 'revoked', apiKeyId: 'key_x', hash: 'ab' });
    await expect(publishApiKeyChanged(redis, { kind: 'gone' } as never)).rejects.toThrow();
    await closeRedis(subscriber);
  });
});
