-- Returns the JSON of a contiguous run of events, nil where one is missing.
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  seqs by time (sorted set)
-- KEYS[3]  head
-- KEYS[4]  anchor (the last event moved out), absent when none
-- ARGV[1]  first seq wanted
-- ARGV[2]  earliest time score wanted, '' for any
-- ARGV[3]  most events to return
local head = redis.call('GET', KEYS[3])
if not head then
  return {}
end
local last = tonumber(cjson.decode(head)['seq'])
local first = tonumber(ARGV[1])
local anchor = redis.call('GET', KEYS[4])
if anchor then
  first = math.max(first, tonumber(cjson.decode(anchor)['seq']) + 1)
end
if ARGV[2] ~= '' then
  local m = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[2], '+inf', 'LIMIT', 0, 1)
  if #m == 0 then
    return {}
  end
  first = math.max(first, tonumber(m[1]))
end
local stop = math.min(first + tonumber(ARGV[3]) - 1, last)
if stop < first then
  return {}
end
local fields = {}
for seq = first, stop do
  fields[#fields + 1] = string.format('%d', seq)
end
return redis.call('HMGET', KEYS[1], unpack(fields))
