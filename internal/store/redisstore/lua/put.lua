-- Makes a new grant the tenant's active one, ending the one the caller saw
-- as active. Returns 'ok', 'conflict' (the active grant changed, or was
-- extended, since the caller read it) or 'exists' (the new id is taken).
-- KEYS[1]  active grant id
-- KEYS[2]  new grant
-- KEYS[3]  grant history
-- KEYS[4]  replaced grant (the new grant's key again when there is none)
-- ARGV[1]  id the caller saw as active, '' for none
-- ARGV[2]  new grant id
-- ARGV[3]  new grant JSON
-- ARGV[4]  history score
-- ARGV[5]  active key TTL in milliseconds, '0' for none
-- ARGV[6]  replaced grant JSON, ended; '' to leave it alone
-- ARGV[7]  change channel
-- ARGV[8]  change message
-- ARGV[9]  replaced grant JSON as the caller read it ('' for none)
local cur = redis.call('GET', KEYS[1]) or ''
-- A client retrying after a lost reply finds its own write done.
if cur == ARGV[2] and redis.call('GET', KEYS[2]) == ARGV[3] then
  return 'ok'
end
if cur ~= ARGV[1] then
  return 'conflict'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 'exists'
end
if ARGV[6] ~= '' then
  if redis.call('GET', KEYS[4]) ~= ARGV[9] then
    return 'conflict'
  end
  redis.call('SET', KEYS[4], ARGV[6])
end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
if ARGV[5] ~= '0' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 'ok'
