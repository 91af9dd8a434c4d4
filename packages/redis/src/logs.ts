import type { Redis } from 'ioredis';

/**
 * llama-server output as the worker captured it, kept in Redis as a capped list per deployment, so
 * the REST API can serve logs of servers on any node without reaching the node itself.
 */
export const MAX_LOG_LINES = 2_000;
const MAX_LINE_LENGTH = 4_000;

const key = (deploymentId: string) => `gguf:logs:${deploymentId}`;

export async function appendDeploymentLogs(redis: Redis, deploymentId: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const clipped = lines.map((line) => (line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line));
  await redis.multi().rpush(key(deploymentId), ...clipped).ltrim(key(deploymentId), -MAX_LOG_LINES, -1).exec();
}

/** The last `tail` lines, oldest first. */
export async function readDeploymentLogs(redis: Redis, deploymentId: string, tail: number): Promise<string[]> {
  const count = Math.max(1, Math.min(MAX_LOG_LINES, Math.floor(tail)));
  return redis.lrange(key(deploymentId), -count, -1);
}

export async function clearDeploymentLogs(redis: Redis, deploymentId: string): Promise<void> {
  await redis.del(key(deploymentId));
}
