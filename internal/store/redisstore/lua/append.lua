-- Appends linked events if the chain head is still the one they were
-- linked against. Returns {'ok'} or {'conflict', current head JSON}.
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  seqs by time (sorted set)
-- KEYS[3]  head
-- ARGV[1]  head JSON the events were linked against, '' for an empty chain
-- ARGV[2]  new head JSON
-- ARGV[3]  n, the number of events
-- ARGV[4 .. 3+2n]     per event: seq, event JSON
-- ARGV[4+2n .. 3+4n]  per event: time score, zero-padded seq
-- Each key gets one command per chunk of events rather than one per
-- event; chunks keep unpack within Lua's stack limit.
local cur = redis.call('GET', KEYS[3]) or ''
if cur ~= ARGV[1] then
  return {'conflict', cur}
end
local n = tonumber(ARGV[3])
local chunk = 1000 -- even: pairs are never split
local function run(cmd, key, first, last)
  for i = first, last, chunk do
    redis.call(cmd, key, unpack(ARGV, i, math.min(i + chunk - 1, last)))
  end
end
run('HSET', KEYS[1], 4, 3 + 2 * n)
run('ZADD', KEYS[2], 4 + 2 * n, 3 + 4 * n)
redis.call('SET', KEYS[3], ARGV[2])
return {'ok'}
