-- Replaces the JSON of the tenant's active grant if it is still the JSON
-- the caller read, and renews the active key's TTL. Returns 'ok',
-- 'conflict' (changed since read), 'ended' (not active) or 'notfound'.
-- KEYS[1]  active grant id
-- KEYS[2]  the grant
-- ARGV[1]  grant id
-- ARGV[2]  grant JSON as read
-- ARGV[3]  grant JSON, extended
-- ARGV[4]  active key TTL in milliseconds
-- ARGV[5]  change channel
-- ARGV[6]  change message
local cur = redis.call('GET', KEYS[2])
if not cur then
  return 'notfound'
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 'ended'
end
-- A client retrying after a lost reply finds its own write done.
if cur == ARGV[3] then
  return 'ok'
end
if cur ~= ARGV[2] then
  return 'conflict'
end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 'ok'
