import type { Redis } from '@gguf/redis';

/** Stream entry as XREADGROUP returns it; fields are null for an entry deleted while pending. */
export type Entry = [id: string, fields: string[] | null];

/** The consumer group every gateway instance belongs to. */
export const GROUP = 'usage-writers';
/** A consumer with nothing pending that has not read for this long is gone; it is removed from the group. */
const DEAD_CONSUMER_MS = 3_600_000;

/** One consumer's membership of the usage stream's group: reading, taking over from the dead, leaving. */
export class GroupMember {
  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    readonly name: string,
    private readonly batch: number,
  ) {}

  /** New entries (`>`), or the ones delivered to this consumer and not yet acknowledged (`0`). */
  async read(from: '0' | '>'): Promise<Entry[]> {
    const command = ['XREADGROUP', 'GROUP', GROUP, this.name, 'COUNT', this.batch, 'STREAMS', this.stream, from] as const;
    let reply: unknown;
    try {
      reply = await this.redis.call(...command);
    } catch (error) {
      // No group yet, or Redis lost its data: start from the stream's first entry, so nothing appended is skipped.
      if (!String(error).includes('NOGROUP')) throw error;
      await this.redis.call('XGROUP', 'CREATE', this.stream, GROUP, '0', 'MKSTREAM').catch((e: unknown) => {
        if (!String(e).includes('BUSYGROUP')) throw e;
      });
      reply = await this.redis.call(...command);
    }
    return (reply as [string, Entry[]][] | null)?.[0]?.[1] ?? [];
  }

  /** Takes over entries other consumers have held for `idleMs`, and forgets consumers long gone; true when it took any. */
  async claim(idleMs: number): Promise<boolean> {
    let claimed = false;
    let cursor = '0-0';
    do {
      const [next, ids] = (await this.redis.call('XAUTOCLAIM', this.stream, GROUP, this.name, idleMs, cursor, 'COUNT', this.batch, 'JUSTID')) as [string, string[]];
      claimed ||= ids.length > 0;
      cursor = next;
    } while (cursor !== '0-0');
    const consumers = (await this.redis.call('XINFO', 'CONSUMERS', this.stream, GROUP)) as (string | number)[][];
    for (const fields of consumers) {
      const info = Object.fromEntries(fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])));
      if (info.name !== this.name && info.pending === 0 && Number(info.idle) > DEAD_CONSUMER_MS) await this.redis.call('XGROUP', 'DELCONSUMER', this.stream, GROUP, String(info.name));
    }
    return claimed;
  }

  /** Leaves the group, unless entries are still pending here (they stay for another consumer to take over). */
  async leave(): Promise<void> {
    const mine = (await this.redis.call('XPENDING', this.stream, GROUP, '-', '+', 1, this.name)) as unknown[];
    if (mine.length === 0) await this.redis.call('XGROUP', 'DELCONSUMER', this.stream, GROUP, this.name);
  }
}
