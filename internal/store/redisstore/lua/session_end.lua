-- Ends a session if it has not ended yet and publishes the change.
-- Returns {'ok', doc, last_seen, requests, ended_at, end_reason, refused, d1 .. d12} with the
-- session as ended, or {'ended'} or {'notfound'}.
-- KEYS[1]  the session (hash)
-- ARGV[1]  ended at, unix microseconds
-- ARGV[2]  end reason
-- ARGV[3]  token unique to this call
-- ARGV[4]  change channel
-- ARGV[5]  change message
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'notfound'}
end
if redis.call('HEXISTS', KEYS[1], 'ended_at') == 1 then
  -- Only the token tells a retry of the winning call (after a lost
  -- reply) from a loser.
  if redis.call('HGET', KEYS[1], 'end_token') ~= ARGV[3] then
    return {'ended'}
  end
else
  redis.call('HSET', KEYS[1], 'ended_at', ARGV[1], 'end_reason', ARGV[2], 'end_token', ARGV[3])
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
local row = redis.call('HMGET', KEYS[1], 'doc', 'last_seen', 'requests', 'ended_at', 'end_reason', 'refused',
    'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11', 'd12')
table.insert(row, 1, 'ok')
return row
