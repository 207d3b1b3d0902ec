-- Appends linked events if none of their ids is already in the chain and
-- the chain head is still the one they were linked against. Returns
-- {'ok'}, {'conflict', current head JSON} or {'dup', id, ...} naming the
-- ids already appended (a retry after a lost reply).
-- KEYS[1]  events by seq (hash)
-- KEYS[2]  head
-- KEYS[3]  recent event ids (hash of id -> ''), the generation being filled
-- KEYS[4]  the generation before it (hash)
-- KEYS[5]  recent event ids as earlier versions kept them (sorted set),
--          dropped with the generation before
-- ARGV[1]  head JSON the events were linked against, '' for an empty chain
-- ARGV[2]  new head JSON
-- ARGV[3]  n, the number of events
-- ARGV[4 .. 3+2n]     per event: seq, event JSON
-- ARGV[4+2n .. 3+3n]  per event: id, '' for none
-- ARGV[4+3n]          how long ids are remembered at least, in milliseconds
-- ARGV[5+3n]          how many ids a generation holds
-- Ids live in two generations of plain hashes rather than one set ordered
-- by time: an id costs one hash entry, one HMGET per generation checks a
-- whole batch, and a generation is dropped whole (UNLINK frees it off the
-- main thread) instead of id by id. A generation is filled for at most
-- the window, or until it holds its count, then kept as the one before
-- until the next is full; it expires two windows after it began. So an id
-- is remembered for the window, or for a generation's count of newer ids,
-- whichever ends first.
-- Each key gets one command per chunk of events rather than one per
-- event; chunks keep unpack within Lua's stack limit.
local n = tonumber(ARGV[3])
local idStart = 4 + 2 * n
local dups = {}
local ids = {}
for i = idStart, idStart + n - 1 do
  if ARGV[i] ~= '' then
    ids[#ids + 1] = ARGV[i]
  end
end
local chunk = 1000 -- even: pairs are never split
for _, key in ipairs({KEYS[3], KEYS[4]}) do
  for first = 1, #ids, chunk do
    local last = math.min(first + chunk - 1, #ids)
    local seen = redis.call('HMGET', key, unpack(ids, first, last))
    for j = 1, #seen do
      if seen[j] then
        dups[#dups + 1] = ids[first + j - 1]
      end
    end
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
local function run(cmd, key, first, last)
  for i = first, last, chunk do
    redis.call(cmd, key, unpack(ARGV, i, math.min(i + chunk - 1, last)))
  end
end
run('HSET', KEYS[1], 4, 3 + 2 * n)
redis.call('SET', KEYS[2], ARGV[2])
local window = tonumber(ARGV[4 + 3 * n])
local ttl = redis.call('PTTL', KEYS[3])
if ttl ~= -2 and (ttl < window or redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[5 + 3 * n])) then
  redis.call('UNLINK', KEYS[4], KEYS[5])
  redis.call('RENAME', KEYS[3], KEYS[4])
  ttl = -2
end
local adds = {}
for _, id in ipairs(ids) do
  adds[#adds + 1] = id
  adds[#adds + 1] = ''
  if #adds >= chunk then
    redis.call('HSET', KEYS[3], unpack(adds))
    adds = {}
  end
end
if #adds > 0 then
  redis.call('HSET', KEYS[3], unpack(adds))
end
if ttl == -2 and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PEXPIRE', KEYS[3], 2 * window)
end
return {'ok'}
