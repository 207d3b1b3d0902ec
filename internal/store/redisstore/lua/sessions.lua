-- Returns one page of sessions, newest first, each as {id, doc, last_seen,
-- requests, ended_at, end_reason, refused, d1 .. d12, id}, or nil if the cursor names no session
-- of the tenant.
-- KEYS[1]  the tenant's sessions by start (sorted set)
-- ARGV[1]  id of the last session of the previous page, '' for the first
-- ARGV[2]  how many sessions to return
-- ARGV[3]  session key prefix of the same tenant (same hash tag, same slot)
-- Starting from the cursor session's current rank keeps pages stable while
-- newer sessions are added in front.
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
  local row = redis.call('HMGET', ARGV[3] .. id, 'doc', 'last_seen', 'requests', 'ended_at', 'end_reason', 'refused',
    'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11', 'd12')
  table.insert(row, 1, id)
  row[#row + 1] = id
  out[#out + 1] = row
end
return out
