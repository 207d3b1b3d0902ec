-- Replaces a full bucket of events stored one by one with their
-- compressed form, if they are still exactly the events it was made of.
-- Returns 'ok' or 'changed'.
-- KEYS[1]  events by seq (hash)
-- ARGV[1]  first seq of the bucket
-- ARGV[2]  events per bucket
-- ARGV[3]  hex SHA-1 of the events' JSON joined by newlines
-- ARGV[4]  the bucket's field
-- ARGV[5]  the compressed events
local fields = {}
for i = 0, tonumber(ARGV[2]) - 1 do
  fields[#fields + 1] = string.format('%d', tonumber(ARGV[1]) + i)
end
local vals = redis.call('HMGET', KEYS[1], unpack(fields))
for i = 1, #vals do
  if not vals[i] then
    return 'changed'
  end
end
if redis.sha1hex(table.concat(vals, '\n')) ~= ARGV[3] then
  return 'changed'
end
redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
redis.call('HDEL', KEYS[1], unpack(fields))
return 'ok'
