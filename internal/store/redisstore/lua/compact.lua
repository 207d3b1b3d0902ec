-- Replaces a full bucket of events stored one by one with their
-- compressed form, if they are still exactly the events it was made of.
-- Returns 'ok' or 'changed'.
-- KEYS[1]  events by seq (hash)
-- ARGV[1]  first seq of the bucket
-- ARGV[2]  events per bucket
-- ARGV[3]  the bucket's last event, as stored
-- ARGV[4]  the bucket's field
-- ARGV[5]  the compressed events
-- A seq's field is written once, by an append that writes a run of
-- fields at once, and retention deletes fields from the oldest seq up.
-- So if the bucket's first field is still there, none of it was trimmed,
-- and if its last field is the event the bucket ends with, whose hash
-- links every event before it, the fields are the bucket's events.
-- (A whole read and SHA-1 of the bucket here cost more than the appends.)
local first = tonumber(ARGV[1])
local last = first + tonumber(ARGV[2]) - 1
if redis.call('HEXISTS', KEYS[1], string.format('%d', first)) == 0 then
  return 'changed'
end
if redis.call('HGET', KEYS[1], string.format('%d', last)) ~= ARGV[3] then
  return 'changed'
end
local fields = {}
for seq = first, last do
  fields[#fields + 1] = string.format('%d', seq)
end
redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
redis.call('HDEL', KEYS[1], unpack(fields))
return 'ok'
