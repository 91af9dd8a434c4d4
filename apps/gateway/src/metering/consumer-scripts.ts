/**
 * Records which Postgres transaction is writing these entries, only while this consumer still owns every one
 * of them (another consumer may have claimed them from a consumer it took for dead). The consumer commits only
 * after this succeeded, so an entry whose transaction committed always has its marker.
 * KEYS: stream, markers (hash entry id → transaction id). ARGV: group, consumer, transaction id, entry ids….
 * Returns 1 when marked, 0 when an entry is no longer this consumer's (nothing is marked then).
 */
export const MARK_SCRIPT = `
for i = 4, #ARGV do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2]) == 0 then return 0 end
end
for i = 4, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], ARGV[3]) end
return 1
`;

/**
 * Entries that are in Postgres: acknowledged, removed from the stream (it holds only what is still to be
 * written), their markers dropped, and their tokens added to the keys' monthly budget counters that exist (a
 * missing one is rebuilt from Postgres, which has these tokens, before it is trusted). One script, so the
 * counters count each acknowledged entry exactly once.
 * KEYS: stream, markers, budget counters…. ARGV: group, number of entry ids, entry ids…, tokens per counter….
 * Returns each counter after the addition, or -1 where there is none.
 */
export const ACK_SCRIPT = `
local ids = tonumber(ARGV[2])
local acked = { unpack(ARGV, 3, 2 + ids) }
redis.call('XACK', KEYS[1], ARGV[1], unpack(acked))
redis.call('XDEL', KEYS[1], unpack(acked))
redis.call('HDEL', KEYS[2], unpack(acked))
local counts = {}
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then counts[#counts + 1] = redis.call('INCRBY', KEYS[i], ARGV[2 + ids + i - 2])
  else counts[#counts + 1] = -1 end
end
return counts
`;

export type ConsumerCommands = {
  ggufUsageMark(stream: string, markers: string, group: string, consumer: string, xid: string, ...ids: string[]): Promise<number>;
  ggufUsageAck(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
};
