-- Settles a claimed notification: retries it (state 'pending'), or marks
-- it 'delivered' or 'failed'. Returns 'ok', 'notfound', or 'lost' when the
-- claim no longer holds it. Settling also drops notifications settled
-- before the cutoff.
-- KEYS[1]  the notification (hash)
-- KEYS[2]  pending ids by due time (sorted set)
-- KEYS[3]  pending list
-- KEYS[4]  delivered list
-- KEYS[5]  failed list
-- ARGV[1]  id
-- ARGV[2]  attempt of the claim
-- ARGV[3]  new state
-- ARGV[4]  unix microseconds: due time for a retry, else when settled
-- ARGV[5]  last error ('' keeps the current one)
-- ARGV[6]  list member for the new state (settled time, id)
-- ARGV[7]  notification key prefix (same hash tag, same slot)
-- ARGV[8]  prune cutoff: list members below it are dropped
local cur = redis.call('HMGET', KEYS[1], 'state', 'attempts', 'order')
if not cur[1] then
  return 'notfound'
end
if cur[2] ~= ARGV[2] then
  return 'lost'
end
if cur[1] ~= 'pending' then
  -- The same claim settling again is a retry after a lost reply.
  if cur[1] == ARGV[3] then
    return 'ok'
  end
  return 'lost'
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'last_error', ARGV[5])
end
if ARGV[3] == 'pending' then
  redis.call('HSET', KEYS[1], 'next_at', ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
  return 'ok'
end
local list = KEYS[4]
if ARGV[3] == 'failed' then
  list = KEYS[5]
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], cur[3])
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'done_at', ARGV[4], 'order', ARGV[6])
redis.call('ZADD', list, 0, ARGV[6])
-- A member is a 16-digit time, ':', then the id.
for _, l in ipairs({KEYS[4], KEYS[5]}) do
  for _, m in ipairs(redis.call('ZRANGEBYLEX', l, '-', '(' .. ARGV[8], 'LIMIT', 0, 100)) do
    redis.call('DEL', ARGV[7] .. string.sub(m, 18))
    redis.call('ZREM', l, m)
  end
end
return 'ok'
