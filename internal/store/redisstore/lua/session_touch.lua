-- Adds activity to a session, if it exists: requests and refused requests
-- add up, last seen keeps the later time. Returns 1 if the session exists,
-- else 0.
-- KEYS[1]  the session (hash)
-- ARGV[1]  last seen, unix microseconds; 0 leaves it
-- ARGV[2]  requests to add
-- ARGV[3]  refused requests to add
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'requests', ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('HINCRBY', KEYS[1], 'refused', ARGV[3])
end
-- Lua numbers are doubles: exact for microsecond times of this era.
local seen = tonumber(redis.call('HGET', KEYS[1], 'last_seen'))
if tonumber(ARGV[1]) > 0 and (not seen or tonumber(ARGV[1]) > seen) then
  redis.call('HSET', KEYS[1], 'last_seen', ARGV[1])
end
return 1
