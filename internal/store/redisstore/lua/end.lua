-- Ends a grant if it is still the tenant's active one, unchanged since
-- the caller read it (an extension may have landed). Returns 'ok',
-- 'ended' (it exists but is not active), 'conflict' (changed since read)
-- or 'notfound'.
-- KEYS[1]  active grant id
-- KEYS[2]  the grant
-- KEYS[3]  marker naming the call that ended the grant
-- ARGV[1]  grant id
-- ARGV[2]  grant JSON, ended
-- ARGV[3]  token unique to this call
-- ARGV[4]  marker TTL in milliseconds
-- ARGV[5]  change channel
-- ARGV[6]  change message
-- ARGV[7]  grant JSON as the caller read it
if redis.call('EXISTS', KEYS[2]) == 0 then
  return 'notfound'
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  -- Racing callers may send identical JSON, so only the token tells a
  -- retry of the winning call (after a lost reply) from a loser.
  if redis.call('GET', KEYS[3]) == ARGV[3] then
    return 'ok'
  end
  return 'ended'
end
if redis.call('GET', KEYS[2]) ~= ARGV[7] then
  return 'conflict'
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 'ok'
