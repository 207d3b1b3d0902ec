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
-- A JSON of up to 12 * 64 bytes is kept in fields d1, d2, ... of 64
-- bytes at most, so the whole hash fits Redis's compact listpack encoding
-- (values of 64 bytes at most by default); a longer one in the field doc.
local size, most = 64, 12
local doc = ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- A client retrying after a lost reply finds its own write done.
  local cur = redis.call('HGET', KEYS[1], 'doc')
  if not cur then
    local parts = {}
    for i = 1, most do
      parts[#parts + 1] = redis.call('HGET', KEYS[1], 'd' .. i) or ''
    end
    cur = table.concat(parts)
  end
  if cur == doc then
    return 'ok'
  end
  return 'exists'
end
if #doc <= size * most then
  for i = 1, math.ceil(#doc / size) do
    redis.call('HSET', KEYS[1], 'd' .. i, string.sub(doc, (i - 1) * size + 1, i * size))
  end
else
  redis.call('HSET', KEYS[1], 'doc', doc)
end
redis.call('HSET', KEYS[1], 'last_seen', ARGV[3], 'requests', ARGV[4], 'refused', ARGV[8])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'ended_at', ARGV[6], 'end_reason', ARGV[7])
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 'ok'
