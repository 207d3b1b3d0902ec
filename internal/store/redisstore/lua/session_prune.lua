-- Deletes sessions that ended before a cutoff.
-- Returns the number deleted.
-- KEYS[1]  session ids by start (sorted set)
-- ARGV[1]  cutoff, unix microseconds
-- ARGV[2]  session key prefix (the tenant's, same hash tag)
-- ARGV[3]  most sessions to delete
-- ARGV[4]  most sessions to look at
local cutoff = tonumber(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[4])
local n = 0
for _, id in ipairs(ids) do
  if n >= tonumber(ARGV[3]) then
    break
  end
  local k = ARGV[2] .. id
  local ended = redis.call('HGET', k, 'ended_at')
  if ended and tonumber(ended) < cutoff then
    redis.call('DEL', k)
    redis.call('ZREM', KEYS[1], id)
    n = n + 1
  end
end
return n
