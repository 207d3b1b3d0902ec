-- Returns one page of grant history, newest first, as id, JSON pairs, or
-- nil if the cursor names no grant of the tenant.
-- KEYS[1]  grant history
-- ARGV[1]  id of the last grant of the previous page, '' for the first
-- ARGV[2]  how many grants to return
-- ARGV[3]  grant key prefix of the same tenant (same hash tag, same slot)
-- Starting from the cursor grant's current rank keeps pages stable while
-- newer grants are added in front.
local start = 0
if ARGV[1] ~= '' then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
  if not rank then
    return false
  end
  start = rank + 1
end
local ids = redis.call('ZREVRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('GET', ARGV[3] .. id)
end
return out
