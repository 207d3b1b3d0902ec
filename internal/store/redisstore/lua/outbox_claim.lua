-- Leases up to ARGV[3] pending notifications due at ARGV[1], earliest
-- first: each gets one more attempt and is due again only when the lease
-- ends. Returns one row per notification:
-- {doc, state, attempts, next_at, last_error, done_at}.
-- KEYS[1]  pending ids by due time (sorted set)
-- ARGV[1]  now, unix microseconds
-- ARGV[2]  lease end, unix microseconds
-- ARGV[3]  most notifications to claim
-- ARGV[4]  notification key prefix (same hash tag, same slot)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[4] .. id
  if redis.call('HGET', key, 'state') == 'pending' then
    redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HSET', key, 'next_at', ARGV[2])
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    out[#out + 1] = redis.call('HMGET', key, 'doc', 'state', 'attempts', 'next_at', 'last_error', 'done_at')
  else
    -- Not pending: a stray entry, which must not be claimed.
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
