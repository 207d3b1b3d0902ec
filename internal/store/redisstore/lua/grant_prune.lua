-- Deletes ended grants, never the active one. Ended grants never change,
-- so the caller's reading of their end stays true.
-- Returns the number deleted.
-- KEYS[1]  grant ids by creation (sorted set)
-- KEYS[2]  id of the active grant
-- ARGV[1]  grant key prefix (the tenant's, same hash tag)
-- ARGV[2 ..] ids
local active = redis.call('GET', KEYS[2])
local n = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if id ~= active then
    n = n + redis.call('DEL', ARGV[1] .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
return n
