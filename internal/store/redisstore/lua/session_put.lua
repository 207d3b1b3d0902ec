-- Stores a new session. Returns 'ok' or 'exists' (the id is taken).
-- KEYS[1]  the session (hash)
-- KEYS[2]  the tenant's sessions by start (sorted set)
-- ARGV[1]  session id
-- ARGV[2]  session JSON without its activity and end
-- ARGV[3]  last seen, unix microseconds
-- ARGV[4]  requests
-- ARGV[5]  start, unix microseconds (the list score)
-- ARGV[6]  ended at, unix microseconds; '' if not ended
-- ARGV[7]  end reason
-- ARGV[8]  refused requests
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- A client retrying after a lost reply finds its own write done.
  if redis.call('HGET', KEYS[1], 'doc') == ARGV[2] then
    return 'ok'
  end
  return 'exists'
end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'last_seen', ARGV[3], 'requests', ARGV[4], 'refused', ARGV[8])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'ended_at', ARGV[6], 'end_reason', ARGV[7])
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 'ok'
