/**
 * Adds a batch of requests to one subject's (key's or organization's) count for this minute and returns the
 * counts of this minute and the previous one, so each gateway instance learns what the others admitted.
 * KEYS: this minute, last minute. ARGV: requests to add.
 */
export const COUNT_SCRIPT = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], 120)
return { current, tonumber(redis.call('GET', KEYS[2]) or '0') }
`;

/**
 * Takes a concurrency slot for a stream: sorted sets of leases (member = request id, score = lease expiry), so a
 * gateway that dies mid-stream leaks a slot for one lease at most. Nothing is taken when either set is full.
 * KEYS: key streams, org streams. ARGV: key limit, org limit (0: not checked), now ms, lease expiry ms, request id.
 * Returns 0 when admitted, 1 when the key is at its limit, 2 when the organization is.
 */
export const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[3])
for i = 1, 2 do
  local limit = tonumber(ARGV[i])
  if limit > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    if redis.call('ZCARD', KEYS[i]) >= limit then return i end
  end
end
for i = 1, 2 do
  if tonumber(ARGV[i]) > 0 then
    redis.call('ZADD', KEYS[i], ARGV[4], ARGV[5])
    redis.call('PEXPIREAT', KEYS[i], ARGV[4])
  end
end
return 0
`;

/** Extends the leases of streams still running; members released meanwhile are not re-added (XX). */
export const RENEW_SCRIPT = `
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[i + 1])
  redis.call('PEXPIREAT', KEYS[i], ARGV[1])
end
return 1
`;
