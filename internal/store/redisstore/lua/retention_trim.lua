-- Removes the events after the anchor up to a seq and makes that event
-- the anchor, if the caller still holds the retention lease.
-- Returns 'ok', 'lost', 'mismatch' or 'toolarge'.
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  seqs by time (sorted set) of stores written before buckets
-- KEYS[3]  anchor JSON
-- KEYS[4]  lease: '<fence> <until µs> <holder>'
-- ARGV[1]  fence
-- ARGV[2]  holder
-- ARGV[3]  now (µs)
-- ARGV[4]  seq to trim to
-- ARGV[5]  hash of that event
-- ARGV[6]  new anchor JSON
-- ARGV[7]  most events one trim removes
-- ARGV[8]  events per bucket
-- ARGV[9]  hex SHA-1 of the bucket holding the seq to trim to, '' if
--          that event is stored alone (see compact.lua)
local l = redis.call('GET', KEYS[4])
if not l then
  return 'lost'
end
local fence, untl, holder = string.match(l, '^(%d+) (%-?%d+) (.*)$')
if fence ~= ARGV[1] or holder ~= ARGV[2] or tonumber(untl) <= tonumber(ARGV[3]) then
  return 'lost'
end
local to = tonumber(ARGV[4])
local from = 0
local a = redis.call('GET', KEYS[3])
if a then
  local d = cjson.decode(a)
  from = tonumber(d['seq'])
  if from == to and d['hash'] == ARGV[5] then
    return 'ok'
  end
end
if to <= from then
  return 'mismatch'
end
if to - from > tonumber(ARGV[7]) then
  return 'toolarge'
end
local size = tonumber(ARGV[8])
local raw = redis.call('HGET', KEYS[1], ARGV[4])
if raw then
  if cjson.decode(raw)['hash'] ~= ARGV[5] then
    return 'mismatch'
  end
else
  local blob = redis.call('HGET', KEYS[1], 'b' .. string.format('%d', math.floor((to - 1) / size)))
  if not blob or ARGV[9] == '' or redis.sha1hex(blob) ~= ARGV[9] then
    return 'mismatch'
  end
end
local fields, members = {}, {}
for seq = from + 1, to do
  fields[#fields + 1] = string.format('%d', seq)
  members[#members + 1] = string.format('%020d', seq)
end
local chunk = 1000
for i = 1, #fields, chunk do
  local last = math.min(i + chunk - 1, #fields)
  redis.call('HDEL', KEYS[1], unpack(fields, i, last))
  redis.call('ZREM', KEYS[2], unpack(members, i, last))
end
-- Buckets wholly trimmed go; one trimmed in part stays until its last
-- event goes, and reads skip what the anchor passed.
local b = math.floor(from / size)
while (b + 1) * size <= to do
  redis.call('HDEL', KEYS[1], 'b' .. string.format('%d', b))
  b = b + 1
end
redis.call('SET', KEYS[3], ARGV[6])
return 'ok'
