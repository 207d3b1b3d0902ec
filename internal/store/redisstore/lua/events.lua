-- Returns a contiguous run of events: {first seq, rows, buckets}. rows
-- holds one entry per seq from the first, the event's JSON or false
-- where it is not stored alone; buckets holds, for each bucket a missing
-- seq falls in, its number and its compressed events (see compact.lua).
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  head
-- KEYS[3]  anchor (the last event moved out), absent when none
-- ARGV[1]  first seq wanted
-- ARGV[2]  most events to return
-- ARGV[3]  events per bucket
local head = redis.call('GET', KEYS[2])
if not head then
  return {0, {}, {}}
end
local last = tonumber(cjson.decode(head)['seq'])
local first = tonumber(ARGV[1])
local anchor = redis.call('GET', KEYS[3])
if anchor then
  first = math.max(first, tonumber(cjson.decode(anchor)['seq']) + 1)
end
local stop = math.min(first + tonumber(ARGV[2]) - 1, last)
if stop < first then
  return {first, {}, {}}
end
local fields = {}
for seq = first, stop do
  fields[#fields + 1] = string.format('%d', seq)
end
local rows = redis.call('HMGET', KEYS[1], unpack(fields))
local size = tonumber(ARGV[3])
local buckets, seen = {}, {}
for i = 1, #fields do
  if not rows[i] then
    local b = math.floor((first + i - 2) / size)
    if not seen[b] then
      seen[b] = true
      local blob = redis.call('HGET', KEYS[1], 'b' .. string.format('%d', b))
      if blob then
        buckets[#buckets + 1] = b
        buckets[#buckets + 1] = blob
      end
    end
  end
end
return {first, rows, buckets}
