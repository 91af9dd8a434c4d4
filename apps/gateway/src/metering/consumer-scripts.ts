/**
 * Records which Postgres transaction is applying these entries, only while this consumer still owns every one
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
 * written) and their markers dropped. KEYS: stream, markers. ARGV: group, entry ids….
 */
export const ACK_SCRIPT = `
local ids = { unpack(ARGV, 2) }
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
redis.call('XDEL', KEYS[1], unpack(ids))
redis.call('HDEL', KEYS[2], unpack(ids))
return #ids
`;

export type ConsumerCommands = {
  ggufUsageMark(stream: string, markers: string, group: string, consumer: string, xid: string, ...ids: string[]): Promise<number>;
  ggufUsageAck(stream: string, markers: string, group: string, ...ids: string[]): Promise<number>;
};
