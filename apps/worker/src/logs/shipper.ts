import { describeError, type Logger } from '@gguf/core';
import { appendDeploymentLogs, clearDeploymentLogs, type Redis } from '@gguf/redis';
import type { LogFollower, Runtime, ServerInfo } from '@gguf/runtime';

const cursorKey = (deploymentId: string) => `gguf:worker:log-cursor:${deploymentId}`;

/**
 * Ships llama-server output to Redis (appendDeploymentLogs), where the REST API's logs endpoint
 * reads it: the container log stream for Docker, the log file for processes. One follower per
 * server; where each stopped is kept in Redis, so a restarted worker resumes without gaps or
 * duplicates.
 */
export class LogShipper {
  private readonly followers = new Map<string, { deploymentId: string; follower: LogFollower }>();
  private readonly cursors = new Map<string, string>();

  constructor(
    private readonly runtime: Runtime,
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  /** Starts following a server unless already followed. */
  async follow(server: ServerInfo): Promise<void> {
    if (this.followers.has(server.handle)) return;
    // Reserve the slot before the first await, so two callers cannot start two followers.
    const slot = { deploymentId: server.deploymentId, follower: undefined as unknown as LogFollower };
    this.followers.set(server.handle, slot);
    let cursor: string | undefined;
    try {
      cursor = (await this.redis.get(cursorKey(server.deploymentId))) ?? undefined;
    } catch {
      cursor = undefined;
    }
    const follower = this.runtime.followLogs(server, {
      cursor,
      sink: (lines) => appendDeploymentLogs(this.redis, server.deploymentId, lines),
      onCursor: (next) => {
        if (this.cursors.get(server.deploymentId) === next) return;
        this.cursors.set(server.deploymentId, next);
        this.redis.set(cursorKey(server.deploymentId), next, 'EX', 30 * 24 * 3600).catch(() => undefined);
      },
    });
    slot.follower = follower;
    void follower.done
      .catch((error: unknown) => this.logger.warn({ deploymentId: server.deploymentId, err: describeError(error) }, 'log follower failed'))
      .finally(() => {
        if (this.followers.get(server.handle) === slot) this.followers.delete(server.handle);
      });
  }

  /** Waits (briefly) until a server's output has been shipped; for servers that have exited. */
  async drain(server: ServerInfo, timeoutMs = 3_000): Promise<void> {
    await this.follow(server);
    const entry = this.followers.get(server.handle);
    if (!entry?.follower) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.follower.done, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Stops the followers of one deployment (their last lines are delivered). */
  async stopDeployment(deploymentId: string): Promise<void> {
    const stops = [...this.followers.entries()].filter(([, e]) => e.deploymentId === deploymentId).map(([, e]) => e.follower?.stop());
    await Promise.allSettled(stops);
  }

  /** Stops following servers that no longer exist. */
  async retain(handles: Set<string>): Promise<void> {
    const stale = [...this.followers.entries()].filter(([handle]) => !handles.has(handle)).map(([, e]) => e.follower?.stop());
    await Promise.allSettled(stale);
  }

  /** A deleted deployment leaves nothing behind: its captured output and cursor go too. */
  async forget(deploymentId: string): Promise<void> {
    await this.stopDeployment(deploymentId);
    this.cursors.delete(deploymentId);
    await Promise.allSettled([clearDeploymentLogs(this.redis, deploymentId), this.redis.del(cursorKey(deploymentId))]);
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.followers.values()].map((e) => e.follower?.stop()));
  }
}
