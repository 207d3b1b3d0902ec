-- Appends linked events if the chain head is still the one they were
-- linked against. Returns {'ok'} or {'conflict', current head JSON}.
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  seqs by time (sorted set)
-- KEYS[3]  head
-- ARGV[1]  head JSON the events were linked against, '' for an empty chain
-- ARGV[2]  new head JSON
-- ARGV[3..] per event: seq, time score, zero-padded seq, event JSON
local cur = redis.call('GET', KEYS[3]) or ''
if cur ~= ARGV[1] then
  return {'conflict', cur}
end
for i = 3, #ARGV, 4 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 3])
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i + 2])
end
redis.call('SET', KEYS[3], ARGV[2])
return {'ok'}
