-- Adds notifications to the outbox; an id already there is left as it is.
-- Returns how many were added.
-- KEYS[1]  pending ids by due time (sorted set)
-- KEYS[2]  pending list (sorted set by member, see keys.go)
-- ARGV[1]  notification key prefix (same hash tag, same slot)
-- then four values per notification:
--   id, JSON of its fixed fields, due time (unix microseconds), list member
local added = 0
for i = 2, #ARGV, 4 do
  local id, due, member = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local key = ARGV[1] .. id
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'doc', ARGV[i + 1], 'state', 'pending', 'attempts', 0, 'next_at', due, 'order', member)
    redis.call('ZADD', KEYS[1], due, id)
    redis.call('ZADD', KEYS[2], 0, member)
    added = added + 1
  end
end
return added
