import { Prisma } from '@gguf/db';

/** api_keys.last_used_at, written with the usage but at most once per interval per key. */
export class LastUsed {
  private pending = new Map<string, number>();
  private readonly written = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  note(apiKeyId: string, at: number): void {
    if (at - (this.written.get(apiKeyId) ?? 0) < this.intervalMs) return;
    if (at > (this.pending.get(apiKeyId) ?? 0)) this.pending.set(apiKeyId, at);
  }

  get size(): number {
    return this.pending.size;
  }

  /** The times to write; hand them back to `done` once written, or to `restore` when the write failed. */
  take(): Map<string, number> {
    const taken = this.pending;
    this.pending = new Map();
    return taken;
  }

  done(taken: Map<string, number>): void {
    for (const [id, at] of taken) this.written.set(id, at);
  }

  restore(taken: Map<string, number>): void {
    for (const [id, at] of taken) if (at > (this.pending.get(id) ?? 0)) this.pending.set(id, at);
  }
}

export function touchKeys(lastUsed: Map<string, number>): Prisma.Sql {
  const values = Prisma.join([...lastUsed].map(([id, at]) => Prisma.sql`(${id}, ${new Date(at).toISOString()}::timestamp(3))`));
  return Prisma.sql`
    UPDATE api_keys SET last_used_at = v.at
    FROM (VALUES ${values}) AS v(id, at)
    WHERE api_keys.id = v.id AND (api_keys.last_used_at IS NULL OR api_keys.last_used_at < v.at)`;
}
