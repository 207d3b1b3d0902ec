-- Appends linked events if none of their ids is already in the chain and
-- the chain head is still the one they were linked against. Returns
-- {'ok'}, {'conflict', current head JSON} or {'dup', id, ...} naming the
-- ids already appended (a retry after a lost reply).
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  head
-- KEYS[3]  recent event ids by append time (sorted set)
-- ARGV[1]  head JSON the events were linked against, '' for an empty chain
-- ARGV[2]  new head JSON
-- ARGV[3]  n, the number of events
-- ARGV[4 .. 3+2n]     per event: seq, event JSON
-- ARGV[4+2n .. 3+3n]  per event: id, '' for none
-- ARGV[4+3n]          how long ids are remembered, in microseconds
-- ARGV[5+3n]          how many ids are remembered at most
-- Each key gets one command per chunk of events rather than one per
-- event; chunks keep unpack within Lua's stack limit.
local n = tonumber(ARGV[3])
local idStart = 4 + 2 * n
local dups = {}
for i = idStart, idStart + n - 1 do
  if ARGV[i] ~= '' and redis.call('ZSCORE', KEYS[3], ARGV[i]) then
    dups[#dups + 1] = ARGV[i]
  end
end
if #dups > 0 then
  table.insert(dups, 1, 'dup')
  return dups
end
local cur = redis.call('GET', KEYS[2]) or ''
if cur ~= ARGV[1] then
  return {'conflict', cur}
end
local chunk = 1000 -- even: pairs are never split
local function run(cmd, key, first, last)
  for i = first, last, chunk do
    redis.call(cmd, key, unpack(ARGV, i, math.min(i + chunk - 1, last)))
  end
end
run('HSET', KEYS[1], 4, 3 + 2 * n)
redis.call('SET', KEYS[2], ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local adds = {}
for i = idStart, idStart + n - 1 do
  if ARGV[i] ~= '' then
    adds[#adds + 1] = now
    adds[#adds + 1] = ARGV[i]
    if #adds >= chunk then
      redis.call('ZADD', KEYS[3], unpack(adds))
      adds = {}
    end
  end
end
if #adds > 0 then
  redis.call('ZADD', KEYS[3], unpack(adds))
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', string.format('(%d', now - tonumber(ARGV[4 + 3 * n])))
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1 - tonumber(ARGV[5 + 3 * n]))
return {'ok'}
